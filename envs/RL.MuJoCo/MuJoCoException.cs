namespace RL.MuJoCo;

/// <summary>An error MuJoCo raised through mju_error, caught by the shim instead of ending the process.</summary>
public sealed class MuJoCoException : Exception
{
    public MuJoCoException(string message) : base(message) { }
}

namespace RL.Cli;

/// <summary>An error the user can fix (bad input, missing file): printed without a stack trace, exit code 2.</summary>
public sealed class CliException : Exception
{
    public CliException(string message, int exitCode = ExitCodes.Usage) : base(message) => ExitCode = exitCode;
    public int ExitCode { get; }
}

/// <summary>Runs a command body and turns user errors into one clear line and an exit code.</summary>
public static class Cli
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (CliException e)
        {
            Console.Error.WriteLine($"rl: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"rl: {e.Message}");
            return ExitCodes.Usage;
        }
    }
}

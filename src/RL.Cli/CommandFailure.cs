using System.Globalization;
using RL.Core.Devices;

namespace RL.Cli;

/// <summary>
/// How `rl train` and `rl eval` end on an exception nobody expected (issue 10): one line on stderr with the
/// message and where the stack trace went, exit code 1, never System.CommandLine's "Unhandled exception" dump.
/// The trace goes to an error log in the run directory when there is one, and to stderr as well with RL_DEBUG=1.
/// This also covers a trainer that stops with its own exception type (e.g. a learner failure reported after a
/// final checkpoint): its message is already written for the user.
/// </summary>
public static class CommandFailure
{
    public const string DebugVariable = "RL_DEBUG";

    public static bool Debug => Environment.GetEnvironmentVariable(DebugVariable) is string v && v.Length > 0 && v != "0";

    /// <summary>
    /// Prints the failure, writes the trace to <paramref name="errorLog"/> (when given) and returns <see cref="ExitCodes.Failure"/>;
    /// a device this build or machine lacks is the user's to fix wherever it was found, so it is one line and
    /// <see cref="ExitCodes.Usage"/>, with no error log (issue 11: `rl eval` of a run trained with device: cuda).
    /// </summary>
    public static int Report(string command, Exception e, string? errorLog, TextWriter error)
    {
        if (e is DeviceUnavailableException)
        {
            error.WriteLine($"{command}: {e.Message}");
            return ExitCodes.Usage;
        }
        string? written = null;
        if (errorLog is not null)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(errorLog))!);
                File.AppendAllText(errorLog, string.Create(CultureInfo.InvariantCulture,
                    $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {command} (pid {Environment.ProcessId}) failed:\n{e}\n\n"));
                written = errorLog;
            }
            catch (Exception logError) when (logError is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"{command}: could not write {errorLog}: {logError.Message}");
            }
        }
        string where = written is not null ? $"stack trace in {written}" : $"set {DebugVariable}=1 to print the stack trace";
        error.WriteLine($"{command}: failed: {e.Message} ({where})");
        if (Debug) error.WriteLine(e.ToString());
        return ExitCodes.Failure;
    }
}

namespace RL.Analysis;

/// <summary>
/// The runs or options asked for cannot be analysed (an unknown metric, nothing to plot): the user's to fix, so
/// the commands say it in one line and exit with the usage code, never with a stack trace.
/// </summary>
public sealed class AnalysisInputException(string message) : Exception(message);

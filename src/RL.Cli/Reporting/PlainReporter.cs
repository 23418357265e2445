using RL.Algorithms.Training;

namespace RL.Cli.Reporting;

/// <summary>
/// Periodic plain log lines, for when stdout is not a terminal (ecosystem.md F5: progress bars spam redirected
/// logs). One line every <c>interval</c> seconds with the facts the terminal display shows, plus every message.
/// </summary>
public sealed class PlainReporter : ITrainingReporter
{
    private readonly TextWriter _out;
    private readonly double _interval;
    private double _last = double.NegativeInfinity;

    public PlainReporter(TextWriter output, double intervalSeconds)
    {
        _out = output;
        _interval = intervalSeconds;
    }

    public void Report(ProgressSnapshot s)
    {
        if (s.WallSeconds - _last < _interval) return;
        _last = s.WallSeconds;
        Write(ProgressText.Line(s));
    }

    public void Message(string line) => Write(line);

    // Messages come from sampler threads and the signal handler as well as the learner.
    private void Write(string line)
    {
        lock (_out)
        {
            _out.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
            _out.Flush();
        }
    }
}

namespace RL.Testing;

/// <summary>
/// What the shutdown tests check after a trainer stops (reliability.md R17, issue 10): which processes are still in
/// a process group, read from /proc, and a poll with a deadline.
/// </summary>
public static class ProcessGroups
{
    /// <summary>Live (not zombie) processes whose process group is <paramref name="pgid"/>.</summary>
    public static int[] Members(int pgid) =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsDigit)).Select(int.Parse!)
            .Where(pid =>
            {
                try
                {
                    string stat = File.ReadAllText($"/proc/{pid}/stat");
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    return fields[0] != "Z" && int.Parse(fields[2]) == pgid;
                }
                catch (IOException) { return false; }
                catch (UnauthorizedAccessException) { return false; }
            }).ToArray();

    /// <summary>Waits until <paramref name="condition"/> holds or <paramref name="timeout"/> passes; returns whether it held.</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }
        return condition();
    }
}

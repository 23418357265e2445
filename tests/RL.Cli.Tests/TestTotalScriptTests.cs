using System.Diagnostics;

namespace RL.Cli.Tests;

/// <summary>Issue 11: scripts/test.sh ends with one total over the per-project summaries of `dotnet test`, summed by scripts/test-total.sh.</summary>
public class TestTotalScriptTests
{
    private static string Run(string log, int seconds)
    {
        string script = Path.Combine(Path.GetDirectoryName(RlProcess.ConfigsDirectory)!, "..", "scripts", "test-total.sh");
        string file = Path.GetTempFileName();
        File.WriteAllText(file, log);
        try
        {
            var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { script, file, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }) info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            string stdout = p.StandardOutput.ReadToEnd();
            string stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.That(p.ExitCode, Is.EqualTo(0), stderr);
            return stdout.Trim();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void SumsEveryProjectsSummaryIntoOneLine()
    {
        string log =
            "  Passed RL.Cli.Tests.SmokeTests.DryRunPrintsTheEffectiveConfig [1 s]\n" +
            "Passed!  - Failed:     0, Passed:     7, Skipped:     0, Total:     7, Duration: 5 s - RL.Cli.Tests.dll (net10.0)\n" +
            "\u001b[31mFailed!  - Failed:     2, Passed:    40, Skipped:     1, Total:    43, Duration: 1 m 3 s - RL.Core.Tests.dll (net10.0)\u001b[0m\n" +
            "Passed!  - Failed:     0, Passed:   120, Skipped:     3, Total:   123, Duration: 20 s - RL.Envs.Tests.dll (net10.0)\n";
        Assert.That(Run(log, 125), Is.EqualTo("Total: Failed! - Failed: 2, Passed: 167, Skipped: 4, Total: 173, Duration: 2m 05s - 3 test projects"));
    }

    [Test]
    public void SumsTheNormalVerbosityBlocksThatTestShPrints()
    {
        string log =
            "  Passed WrongActionCountIsAnErrorThatSaysSo [1 ms]\n" +
            "\nTest Run Successful.\nTotal tests: 28\n     Passed: 28\n Total time: 39.1841 Seconds\n" +
            "  Failed ASamplerException [5 s]\n  Skipped Later [1 ms]\n" +
            "\nTest Run Failed.\nTotal tests: 31\n     Passed: 28\n     Failed: 1\n    Skipped: 2\n Total time: 4.0582 Minutes\n";
        Assert.That(Run(log, 59), Is.EqualTo("Total: Failed! - Failed: 1, Passed: 56, Skipped: 2, Total: 59, Duration: 0m 59s - 2 test projects"));
    }

    [Test]
    public void SaysSoWhenNoProjectReported()
    {
        Assert.That(Run("error CS1002: ; expected\n", 7), Is.EqualTo("Total: no test summary found (the build or a test host failed before any project reported), 0m 07s"));
    }
}

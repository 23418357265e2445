namespace RL.Algorithms.Training;

/// <summary>
/// The unit printed after a score: L2R's 2017 score is metres the pelvis moved forward; other envs' scores are their
/// task reward, which has no unit we can name. One rule for the training display and `rl eval` (issue 11).
/// </summary>
public static class ScoreUnit
{
    public static string SuffixFor(string envId) => envId == "L2R" ? " m" : "";
}

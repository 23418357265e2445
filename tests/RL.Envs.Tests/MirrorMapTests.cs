using RL.Envs;

namespace RL.Envs.Tests;

public class MirrorMapTests
{
    [Test]
    public void MirrorTwiceIsIdentity()
    {
        var map = MirrorMap.FromSwaps(6, new[] { (0, 3), (1, 4) }, negated: new[] { 2 });
        float[] x = { 1, 2, 3, 4, 5, 6 }, once = new float[6], twice = new float[6];
        map.Apply(x, once);
        map.Apply(once, twice);
        Assert.That(once, Is.EqualTo(new float[] { 4, 5, -3, 1, 2, 6 }));
        Assert.That(twice, Is.EqualTo(x));
    }

    [Test]
    public void RowsAreMirroredIndependently()
    {
        var map = MirrorMap.FromSwaps(2, new[] { (0, 1) });
        float[] batch = { 1, 2, 3, 4 }, output = new float[4];
        map.ApplyRows(batch, output);
        Assert.That(output, Is.EqualTo(new float[] { 2, 1, 4, 3 }));
    }

    [Test]
    public void NonInvolutionIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new MirrorMap(new[] { 1, 2, 0 }, new[] { 1f, 1f, 1f }));
        Assert.That(e!.Message, Does.Contain("involution"));
        Assert.Throws<ArgumentException>(() => new MirrorMap(new[] { 0, 5 }, new[] { 1f, 1f }));
        Assert.Throws<ArgumentException>(() => new MirrorMap(new[] { 1, 0 }, new[] { 1f, -1f }));
    }
}

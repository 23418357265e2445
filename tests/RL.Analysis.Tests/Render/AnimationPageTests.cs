using System.Text.RegularExpressions;
using System.Xml.Linq;
using RL.Analysis.Render;

namespace RL.Analysis.Tests.Render;

/// <summary>Issue 13, rl render: the self-contained HTML animation.</summary>
public class AnimationPageTests
{
    [Test]
    public void ThePageParsesAndHasOneFramePerRecordedStepWithControls()
    {
        var trajectory = SampleRunner.Trajectory(steps: 25);
        string html = AnimationPage.Build(trajectory);
        var page = DrawnBones.Parse(html);
        var frames = DrawnBones.Frames(page);
        Assert.That(frames, Has.Count.EqualTo(25));
        Assert.That(frames.Select(f => (string?)f.Attribute("data-step")), Is.EqualTo(Enumerable.Range(0, 25).Select(k => k.ToString())));
        Assert.That(frames.Count(f => ((string?)f.Attribute("style"))!.Contains("display:block")), Is.EqualTo(1), "one frame shows at a time");
        XNamespace xhtml = "http://www.w3.org/1999/xhtml";
        var slider = page.Descendants(xhtml + "input").Single(e => (string?)e.Attribute("id") == "slider");
        Assert.That((string?)slider.Attribute("max"), Is.EqualTo("24"));
        Assert.That(page.Descendants(xhtml + "button").Single().Value, Is.EqualTo("Play"));
        Assert.That(page.Descendants(xhtml + "script").Single().Value, Does.Contain("setInterval"));
        string withoutNamespaces = Regex.Replace(html, "xmlns=\"[^\"]*\"", "");
        Assert.That(withoutNamespaces, Does.Not.Contain("http").And.Not.Contain(" src=").And.Not.Contain(" href="), "self-contained: nothing to fetch");
        Assert.That(frames[24].Descendants(DrawnBones.Svg + "text").Select(t => t.Value), Does.Contain("0.96 s · 2.40 m"), "caption: time and score");
    }

    [Test]
    public void DrawnBonesOnThePageHaveTheSegmentsLengths()
    {
        var trajectory = SampleRunner.Trajectory(steps: 12);
        var frames = DrawnBones.Frames(DrawnBones.Parse(AnimationPage.Build(trajectory)));
        foreach (var frame in frames)
        {
            var bones = DrawnBones.Lengths(frame);
            Assert.That(bones, Has.Count.EqualTo(8));
            // Pixel coordinates carry two decimals at 200 px/m: 0.05 mm.
            Assert.That(bones["thigh_r-shank_r"], Is.EqualTo(SampleRunner.Thigh).Within(1e-4));
            Assert.That(bones["shank_l-foot_l"], Is.EqualTo(SampleRunner.Shank).Within(1e-4));
            Assert.That(bones["torso-head"], Is.EqualTo(SampleRunner.Neck).Within(1e-4));
        }
    }
}

using System.Globalization;
using System.Security;
using System.Text;

namespace RL.Analysis.Render;

/// <summary>
/// An episode as one self-contained HTML page (no network, no external file): one inline SVG frame per recorded step,
/// a time slider, a play button that plays at the simulated speed or slower, and the arrow keys to step. The page is
/// well-formed XHTML (the script sits in a CDATA section), so it parses as XML too. Each frame &lt;svg class="frame"&gt;
/// carries its step, time, caption and world-to-pixel mapping (data-scale px per metre, data-left and data-top: the
/// world x and y at the frame's top-left pixel) for anyone who wants to measure what is drawn.
/// </summary>
public static class AnimationPage
{
    public static void Write(string path, Trajectory trajectory)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, Build(trajectory), new UTF8Encoding(false));
        File.Move(temporary, path, overwrite: true);
    }

    public static string Build(Trajectory trajectory)
    {
        var style = FrameStyle.Animation;
        var kinematics = new PlanarKinematics(trajectory.Model);
        var steps = trajectory.Steps;
        double decision = steps.Count > 1 ? (steps[^1].T - steps[0].T) / (steps.Count - 1) : 0.01;
        var html = new StringBuilder();
        string heading = EpisodeTitle.Heading(trajectory);
        html.Append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
            .Append("<title>").Append(Escape(heading)).Append("</title>\n")
            .Append("<style>body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:16px;color:#222}h1{font-size:17px;margin:0 0 6px}")
            .Append("p{margin:2px 0;font-size:14px}#controls{margin:10px 0;display:flex;gap:10px;align-items:center}")
            .Append(Invariant($"#slider{{width:{style.Width - 220}px}}svg.frame{{border:1px solid #ccc}}</style>\n</head>\n<body>\n"))
            .Append("<h1>").Append(Escape(heading)).Append("</h1>\n")
            .Append("<p>").Append(Escape(EpisodeTitle.Outcome(trajectory))).Append("</p>\n")
            .Append("<p>").Append(Escape(EpisodeTitle.Legend(trajectory))).Append("</p>\n")
            .Append("<div id=\"controls\"><button id=\"play\" type=\"button\">Play</button>")
            .Append(Invariant($"<input id=\"slider\" type=\"range\" min=\"0\" max=\"{steps.Count - 1}\" value=\"0\" step=\"1\"/>"))
            .Append("<select id=\"speed\"><option value=\"1\">1×</option><option value=\"0.5\">½×</option><option value=\"0.25\" selected=\"selected\">¼×</option><option value=\"0.1\">0.1×</option></select>")
            .Append("<span id=\"label\"></span></div>\n<div id=\"frames\">\n");
        for (int k = 0; k < steps.Count; k++)
        {
            var step = steps[k];
            var figure = StickFigure.At(kinematics, step);
            var view = FrameView.FollowingPelvis(figure, style, 0, 0);
            var caption = new List<string> { FramePainter.Caption(step) };
            if (k == steps.Count - 1) caption.Add(EpisodeTitle.EndText(trajectory.End));
            var attributes = new Dictionary<string, string>
            {
                ["class"] = "frame",
                ["style"] = k == 0 ? "display:block" : "display:none",
                ["data-step"] = k.ToString(CultureInfo.InvariantCulture),
                ["data-t"] = step.T.ToString("R", CultureInfo.InvariantCulture),
                ["data-caption"] = string.Join(" · ", caption),
                ["data-scale"] = view.Scale.ToString("R", CultureInfo.InvariantCulture),
                ["data-left"] = view.Left.ToString("R", CultureInfo.InvariantCulture),
                ["data-top"] = (view.Top + style.CaptionHeight / style.Scale).ToString("R", CultureInfo.InvariantCulture),
            };
            var canvas = new SvgFrameCanvas(style.Width, style.Height, attributes);
            FramePainter.Paint(canvas, view, style, trajectory, figure, caption);
            html.Append(canvas.ToString()).Append('\n');
        }
        html.Append("</div>\n<script>//<![CDATA[\n")
            .Append(Invariant($"var decisionSeconds = {decision:R};\n"))
            .Append(Script)
            .Append("//]]></script>\n</body>\n</html>\n");
        return html.ToString();
    }

    // Plays by showing one frame at a time; the interval is the simulated time between decisions over the chosen speed.
    private const string Script = """
        (function () {
          var frames = document.querySelectorAll('svg.frame');
          var slider = document.getElementById('slider');
          var play = document.getElementById('play');
          var speed = document.getElementById('speed');
          var label = document.getElementById('label');
          var current = 0, timer = null;
          function show(k) {
            frames[current].style.display = 'none';
            current = k;
            frames[k].style.display = 'block';
            slider.value = k;
            label.textContent = 'step ' + k + ' / ' + (frames.length - 1) + ': ' + frames[k].getAttribute('data-caption');
          }
          function stop() {
            if (timer !== null) { clearInterval(timer); timer = null; }
            play.textContent = 'Play';
          }
          function start() {
            if (current === frames.length - 1) show(0);
            play.textContent = 'Pause';
            timer = setInterval(function () {
              if (current >= frames.length - 1) { stop(); return; }
              show(current + 1);
            }, 1000 * decisionSeconds / parseFloat(speed.value));
          }
          play.addEventListener('click', function () { if (timer !== null) { stop(); } else { start(); } });
          speed.addEventListener('change', function () { if (timer !== null) { stop(); start(); } });
          slider.addEventListener('input', function () { stop(); show(parseInt(slider.value, 10)); });
          document.addEventListener('keydown', function (e) {
            if (e.key === 'ArrowRight') { stop(); show(Math.min(frames.length - 1, current + 1)); }
            if (e.key === 'ArrowLeft') { stop(); show(Math.max(0, current - 1)); }
          });
          show(0);
        })();

        """;

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

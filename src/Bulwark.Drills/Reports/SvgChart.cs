using System.Globalization;
using System.Net;
using System.Text;
using Bulwark.Drills.Timeline;

namespace Bulwark.Drills.Reports;

/// <summary>One line of a chart: its name, colour and points (seconds from the start, value).</summary>
/// <param name="Name">The legend text.</param>
/// <param name="Colour">A CSS colour.</param>
/// <param name="Points">The points, in time order.</param>
public sealed record ChartSeries(string Name, string Colour, IReadOnlyList<(double Seconds, double Value)> Points);

/// <summary>
/// Draws a time-series line chart as inline SVG, with fault windows shaded and phase starts marked: no script, no
/// stylesheet, nothing fetched, so the report is one file that opens anywhere (and in a mail or CI artifact).
/// </summary>
public static class SvgChart
{
    private const int Width = 720;
    private const int Height = 220;
    private const int Left = 56;
    private const int Right = 16;
    private const int Top = 28;
    private const int Bottom = 34;

    /// <summary>The chart as an <c>&lt;svg&gt;</c> element.</summary>
    /// <param name="title">The chart's title (also its accessible name).</param>
    /// <param name="unit">The unit of the y axis, e.g. <c>ms</c> or <c>%</c>.</param>
    /// <param name="series">The lines.</param>
    /// <param name="totalSeconds">The x axis runs from 0 to this.</param>
    /// <param name="faults">Shaded windows (an open one runs to the end).</param>
    /// <param name="phases">Dashed vertical marks.</param>
    /// <param name="threshold">A horizontal threshold line, when there is one.</param>
    public static string Render(
        string title,
        string unit,
        IReadOnlyList<ChartSeries> series,
        double totalSeconds,
        IReadOnlyList<FaultWindow> faults,
        IReadOnlyList<PhaseMark> phases,
        double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(faults);
        ArgumentNullException.ThrowIfNull(phases);
        var c = CultureInfo.InvariantCulture;
        var xMax = Math.Max(1, totalSeconds);
        var yTop = NiceCeiling(Math.Max(threshold ?? 0, series.SelectMany(s => s.Points).Select(p => p.Value).DefaultIfEmpty(0).Max()));
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        double X(double seconds) => Left + (Math.Clamp(seconds, 0, xMax) / xMax * plotW);
        double Y(double value) => Top + plotH - (Math.Clamp(value, 0, yTop) / yTop * plotH);

        var svg = new StringBuilder();
        svg.Append(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"{E(title)}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append(c, $"<title>{E(title)}</title>");
        svg.Append(c, $"<text x=\"{Left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{E(title)}</text>");

        foreach (var fault in faults)
        {
            var x0 = X(fault.StartSeconds);
            var x1 = X(fault.EndSeconds ?? xMax);
            svg.Append(c, $"<rect class=\"fault\" x=\"{x0:0.#}\" y=\"{Top}\" width=\"{Math.Max(1, x1 - x0):0.#}\" height=\"{plotH}\" fill=\"#f4a3a3\" fill-opacity=\"0.35\"><title>fault: {E(fault.Name)} ({fault.StartSeconds:0.0}–{(fault.EndSeconds is { } end ? end.ToString("0.0", c) : "end")} s)</title></rect>");
            svg.Append(c, $"<text x=\"{x0 + 3:0.#}\" y=\"{Top + 12}\" fill=\"#a33\">{E(fault.Name)}</text>");
        }

        // Axes and grid: four steps up, about eight across.
        for (var i = 0; i <= 4; i++)
        {
            var value = yTop * i / 4;
            var y = Y(value);
            svg.Append(c, $"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Width - Right}\" y2=\"{y:0.#}\" stroke=\"#ddd\"/>");
            svg.Append(c, $"<text x=\"{Left - 4}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{Format(value)}</text>");
        }

        var xStep = NiceCeiling(xMax / 8);
        for (var s = 0.0; s <= xMax + 1e-9; s += xStep)
        {
            svg.Append(c, $"<text x=\"{X(s):0.#}\" y=\"{Height - Bottom + 14}\" text-anchor=\"middle\">{Format(s)}</text>");
        }

        svg.Append(c, $"<text x=\"{Width - Right}\" y=\"{Height - 4}\" text-anchor=\"end\">seconds</text>");
        svg.Append(c, $"<text x=\"4\" y=\"{Top - 6}\">{E(unit)}</text>");
        svg.Append(c, $"<line x1=\"{Left}\" y1=\"{Top + plotH}\" x2=\"{Width - Right}\" y2=\"{Top + plotH}\" stroke=\"#444\"/>");
        svg.Append(c, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Top + plotH}\" stroke=\"#444\"/>");

        foreach (var phase in phases)
        {
            var x = X(phase.AtSeconds);
            svg.Append(c, $"<line class=\"phase\" x1=\"{x:0.#}\" y1=\"{Top}\" x2=\"{x:0.#}\" y2=\"{Top + plotH}\" stroke=\"#888\" stroke-dasharray=\"3,3\"><title>{E(phase.Name)} at {phase.AtSeconds:0.0} s</title></line>");
        }

        if (threshold is { } t)
        {
            svg.Append(c, $"<line class=\"threshold\" x1=\"{Left}\" y1=\"{Y(t):0.#}\" x2=\"{Width - Right}\" y2=\"{Y(t):0.#}\" stroke=\"#c00\" stroke-dasharray=\"6,3\"><title>threshold {Format(t)} {E(unit)}</title></line>");
        }

        var legendX = Width - Right;
        for (var i = series.Count - 1; i >= 0; i--)
        {
            var line = series[i];
            if (line.Points.Count > 0)
            {
                var points = string.Join(" ", line.Points.Select(p => string.Create(c, $"{X(p.Seconds):0.#},{Y(p.Value):0.#}")));
                svg.Append(c, $"<polyline class=\"series\" fill=\"none\" stroke=\"{E(line.Colour)}\" stroke-width=\"1.8\" points=\"{points}\"><title>{E(line.Name)}</title></polyline>");
            }

            legendX -= 8 + (line.Name.Length * 6) + 14;
            svg.Append(c, $"<rect x=\"{legendX}\" y=\"8\" width=\"10\" height=\"10\" fill=\"{E(line.Colour)}\"/><text x=\"{legendX + 14}\" y=\"17\">{E(line.Name)}</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The smallest 1, 2, 2.5 or 5 × 10^n at or above <paramref name="value"/> (1 for 0 or less).</summary>
    internal static double NiceCeiling(double value)
    {
        if (value <= 0 || double.IsNaN(value))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1.0, 2.0, 2.5, 5.0, 10.0 })
        {
            if (step * magnitude >= value - 1e-12)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Format(double value) =>
        value.ToString(Math.Abs(value) >= 100 || value == Math.Floor(value) ? "0" : "0.##", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}

using System.Globalization;
using System.Text;

namespace PruneGen.Hosting.Reports.Svg;

/// <summary>How a series is drawn.</summary>
public enum SeriesKind
{
    /// <summary>Points joined in the given order, with small markers.</summary>
    Line,
    /// <summary>Markers only.</summary>
    Scatter,
    /// <summary>Vertical bars (series side by side when there are several).</summary>
    Bar,
}

/// <summary>One named series of (x, y) points; <see cref="PointLabels"/> are optional per-point annotations.</summary>
public sealed record ChartSeries(string Name, SeriesKind Kind, IReadOnlyList<(double X, double Y)> Points, IReadOnlyList<string>? PointLabels = null);

/// <summary>
/// A small in-house SVG chart writer: axes with "nice" ticks, axis labels, title, legend, and line,
/// scatter and bar series. Output is standalone, well-formed SVG 1.1 (no scripts, no external refs).
/// Each series is one <c>&lt;g class="series" data-name="..."&gt;</c> so tools and tests can find it.
/// </summary>
public sealed class SvgChart
{
    // Tableau-10: distinguishable and colour-blind friendly enough for a handful of runs.
    private static readonly string[] Palette =
        ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    public SvgChart(string title, string xLabel, string yLabel)
    {
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
    }

    public string Title { get; }
    public string XLabel { get; }
    public string YLabel { get; }
    public int Width { get; init; } = 720;
    public int Height { get; init; } = 420;

    /// <summary>Names for integer x positions 0..n-1 (a categorical axis, e.g. layer names); null for a numeric axis.</summary>
    public IReadOnlyList<string>? XCategories { get; init; }

    /// <summary>The x values are whole numbers (epochs): ticks are too.</summary>
    public bool IntegerX { get; init; }

    /// <summary>Force the y axis to include zero (bars always do).</summary>
    public bool YFromZero { get; init; }

    public List<ChartSeries> Series { get; } = new();

    public SvgChart Add(ChartSeries series)
    {
        Series.Add(series);
        return this;
    }

    public SvgChart Add(string name, SeriesKind kind, IEnumerable<(double X, double Y)> points, IReadOnlyList<string>? labels = null) =>
        Add(new ChartSeries(name, kind, points.ToArray(), labels));

    private const double Left = 78, Right = 24, Top = 44, BottomNumeric = 56;

    public string ToSvg()
    {
        double bottom = XCategories is { Count: > 0 } ? 56 + Math.Min(110, 6.2 * XCategories.Max(c => c.Length)) : BottomNumeric;
        // Legend sits below the title when there are several series, so it never hides points.
        var named = Series.Where(s => s.Name.Length > 0).ToList();
        double legendRows = named.Count > 0 ? Math.Ceiling(named.Count / 3.0) : 0;
        double top = Top + legendRows * 18;
        double plotW = Width - Left - Right, plotH = Height - top - bottom;
        if (plotH < 60) plotH = 60;
        int height = (int)Math.Ceiling(top + plotH + bottom);

        var finite = Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        bool hasBars = Series.Any(s => s.Kind == SeriesKind.Bar);
        (double xMin, double xMax) = XCategories is { Count: > 0 } cats ? (-0.5, cats.Count - 0.5) :
            finite.Count == 0 ? (0, 1) : (finite.Min(p => p.X), finite.Max(p => p.X));
        (double yMin, double yMax) = finite.Count == 0 ? (0, 1) : (finite.Min(p => p.Y), finite.Max(p => p.Y));
        if (YFromZero || hasBars) { yMin = Math.Min(0, yMin); yMax = Math.Max(0, yMax); }

        double[] xTicks = XCategories is { Count: > 0 } c2 ? Enumerable.Range(0, c2.Count).Select(i => (double)i).ToArray()
            : NiceTicks(ref xMin, ref xMax, minimumStep: IntegerX ? 1 : 0);
        double[] yTicks = NiceTicks(ref yMin, ref yMax);

        double X(double x) => Left + (x - xMin) / (xMax - xMin) * plotW;
        double Y(double y) => top + plotH - (y - yMin) / (yMax - yMin) * plotH;

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <title>{Escape(Title)}</title>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <text class=\"title\" x=\"{F(Width / 2.0)}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Escape(Title)}</text>\n");

        // Grid, ticks and tick labels.
        svg.Append("  <g class=\"axes\" stroke=\"#333\" stroke-width=\"1\">\n");
        foreach (double t in yTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"    <line class=\"grid\" x1=\"{F(Left)}\" y1=\"{F(Y(t))}\" x2=\"{F(Left + plotW)}\" y2=\"{F(Y(t))}\" stroke=\"#e5e5e5\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"    <text class=\"ytick\" x=\"{F(Left - 6)}\" y=\"{F(Y(t) + 4)}\" text-anchor=\"end\" stroke=\"none\" fill=\"#333\">{Escape(FormatTick(t, yTicks))}</text>\n");
        }
        foreach (double t in xTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{F(X(t))}\" y1=\"{F(top + plotH)}\" x2=\"{F(X(t))}\" y2=\"{F(top + plotH + 5)}\"/>\n");
            if (XCategories is { Count: > 0 } names)
                svg.Append(CultureInfo.InvariantCulture,
                    $"    <text class=\"xtick\" x=\"{F(X(t))}\" y=\"{F(top + plotH + 14)}\" text-anchor=\"end\" transform=\"rotate(-45 {F(X(t))} {F(top + plotH + 14)})\" stroke=\"none\" fill=\"#333\">{Escape(names[(int)t])}</text>\n");
            else
                svg.Append(CultureInfo.InvariantCulture, $"    <text class=\"xtick\" x=\"{F(X(t))}\" y=\"{F(top + plotH + 19)}\" text-anchor=\"middle\" stroke=\"none\" fill=\"#333\">{Escape(FormatTick(t, xTicks))}</text>\n");
        }
        svg.Append(CultureInfo.InvariantCulture, $"    <line class=\"x-axis\" x1=\"{F(Left)}\" y1=\"{F(top + plotH)}\" x2=\"{F(Left + plotW)}\" y2=\"{F(top + plotH)}\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"    <line class=\"y-axis\" x1=\"{F(Left)}\" y1=\"{F(top)}\" x2=\"{F(Left)}\" y2=\"{F(top + plotH)}\"/>\n");
        svg.Append("  </g>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <text class=\"xlabel\" x=\"{F(Left + plotW / 2)}\" y=\"{F(height - 10)}\" text-anchor=\"middle\">{Escape(XLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <text class=\"ylabel\" x=\"16\" y=\"{F(top + plotH / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {F(top + plotH / 2)})\">{Escape(YLabel)}</text>\n");

        // Series.
        int barSeries = Series.Count(s => s.Kind == SeriesKind.Bar), barIndex = 0;
        double slot = XCategories is { Count: > 0 } ? plotW / XCategories.Count : plotW / Math.Max(1, Series.Where(s => s.Kind == SeriesKind.Bar).Select(s => s.Points.Count).DefaultIfEmpty(1).Max());
        double barWidth = barSeries == 0 ? 0 : slot * 0.8 / barSeries;
        for (int i = 0; i < Series.Count; i++)
        {
            ChartSeries s = Series[i];
            string color = Palette[i % Palette.Length];
            svg.Append(CultureInfo.InvariantCulture, $"  <g class=\"series\" data-name=\"{Escape(s.Name)}\" data-kind=\"{s.Kind.ToString().ToLowerInvariant()}\" fill=\"{color}\" stroke=\"{color}\">\n");
            var points = s.Points.Select((p, k) => (p.X, p.Y, Label: s.PointLabels is { } l && k < l.Count ? l[k] : null))
                .Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
            switch (s.Kind)
            {
                case SeriesKind.Line:
                    if (points.Count > 1)
                        svg.Append(CultureInfo.InvariantCulture,
                            $"    <polyline fill=\"none\" stroke-width=\"2\" points=\"{string.Join(" ", points.Select(p => $"{F(X(p.X))},{F(Y(p.Y))}"))}\"/>\n");
                    foreach (var p in points)
                        svg.Append(CultureInfo.InvariantCulture, $"    <circle cx=\"{F(X(p.X))}\" cy=\"{F(Y(p.Y))}\" r=\"2.5\" stroke=\"none\"/>\n");
                    break;
                case SeriesKind.Scatter:
                    foreach (var p in points)
                        svg.Append(CultureInfo.InvariantCulture, $"    <circle cx=\"{F(X(p.X))}\" cy=\"{F(Y(p.Y))}\" r=\"5\" fill-opacity=\"0.8\" stroke-width=\"1\"/>\n");
                    break;
                case SeriesKind.Bar:
                    foreach (var p in points)
                    {
                        double x0 = X(p.X) - slot * 0.4 + barIndex * barWidth;
                        double y0 = Y(Math.Max(0, p.Y)), y1 = Y(Math.Min(0, p.Y));
                        svg.Append(CultureInfo.InvariantCulture, $"    <rect x=\"{F(x0)}\" y=\"{F(y0)}\" width=\"{F(Math.Max(1, barWidth - 1))}\" height=\"{F(Math.Max(0, y1 - y0))}\" stroke=\"none\"/>\n");
                    }
                    barIndex++;
                    break;
            }
            foreach (var p in points.Where(p => p.Label is not null))
                svg.Append(CultureInfo.InvariantCulture, $"    <text class=\"point-label\" x=\"{F(X(p.X) + 7)}\" y=\"{F(Y(p.Y) - 7)}\" stroke=\"none\" fill=\"#333\" font-size=\"10\">{Escape(p.Label!)}</text>\n");
            svg.Append("  </g>\n");
        }

        // Legend: up to three entries per row under the title.
        if (named.Count > 0)
        {
            svg.Append("  <g class=\"legend\">\n");
            double columnWidth = plotW / 3;
            for (int i = 0; i < named.Count; i++)
            {
                string color = Palette[Series.IndexOf(named[i]) % Palette.Length];
                double lx = Left + (i % 3) * columnWidth, ly = Top + (i / 3) * 18;
                svg.Append(CultureInfo.InvariantCulture, $"    <rect x=\"{F(lx)}\" y=\"{F(ly - 9)}\" width=\"12\" height=\"10\" fill=\"{color}\"/>\n");
                svg.Append(CultureInfo.InvariantCulture, $"    <text x=\"{F(lx + 17)}\" y=\"{F(ly)}\">{Escape(Truncate(named[i].Name, 40))}</text>\n");
            }
            svg.Append("  </g>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    public void Save(string path) => File.WriteAllText(path, ToSvg());

    /// <summary>
    /// Ticks at 1, 2 or 5 times a power of ten, about five of them, and widens [min, max] to the outer ticks.
    /// A degenerate range (min == max) is widened around the value.
    /// </summary>
    public static double[] NiceTicks(ref double min, ref double max, int target = 5, double minimumStep = 0)
    {
        if (!(max > min))
        {
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            min -= pad;
            max += pad;
        }
        double raw = (max - min) / target;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double normalized = raw / magnitude;
        double step = Math.Max(minimumStep, (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10) * magnitude);
        double lo = Math.Floor(min / step + 1e-9) * step, hi = Math.Ceiling(max / step - 1e-9) * step;
        min = lo;
        max = hi;
        int count = (int)Math.Round((hi - lo) / step) + 1;
        return Enumerable.Range(0, count).Select(i => Math.Round(lo + i * step, 12)).ToArray();
    }

    private static string FormatTick(double value, double[] ticks)
    {
        double span = Math.Abs(ticks[^1] - ticks[0]);
        double largest = ticks.Max(Math.Abs);
        if (largest >= 1e6) return (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M";
        if (largest >= 1e4) return (value / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k";
        double step = ticks.Length > 1 ? span / (ticks.Length - 1) : 1;
        int decimals = Math.Clamp((int)Math.Ceiling(-Math.Log10(step) + 1e-9), 0, 8);
        return value.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>XML text/attribute escaping; drops characters XML 1.0 forbids.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&apos;"); break;
                default:
                    if (c >= 0x20 || c is '\t' or '\n' or '\r') sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}

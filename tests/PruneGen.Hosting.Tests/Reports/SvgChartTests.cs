using System.Globalization;
using System.Xml.Linq;
using PruneGen.Hosting.Reports.Svg;

namespace PruneGen.Hosting.Tests.Reports;

public class SvgChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Output_is_well_formed_xml_with_one_group_per_series()
    {
        var chart = new SvgChart("Accuracy vs MACs <pruned & dense>", "MACs", "test accuracy")
            .Add("run \"a\"", SeriesKind.Scatter, [(40e6, 0.91), (20e6, 0.89)], ["dense", "pruned"])
            .Add("run b", SeriesKind.Line, [(40e6, 0.91), (30e6, 0.90), (10e6, 0.85)]);

        XDocument doc = XDocument.Parse(chart.ToSvg()); // throws if not well-formed
        Assert.Equal(Svg + "svg", doc.Root!.Name);

        var series = doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "series").ToList();
        Assert.Equal(["run \"a\"", "run b"], series.Select(g => (string)g.Attribute("data-name")!));
        Assert.Equal(2, series[0].Elements(Svg + "circle").Count());
        Assert.Equal(["dense", "pruned"], series[0].Elements(Svg + "text").Select(t => t.Value));
        XElement line = Assert.Single(series[1].Elements(Svg + "polyline"));
        Assert.Equal(3, ((string)line.Attribute("points")!).Split(' ').Length);

        Assert.Equal("Accuracy vs MACs <pruned & dense>", doc.Root.Element(Svg + "title")!.Value);
        var legend = doc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend");
        Assert.Equal(["run \"a\"", "run b"], legend.Elements(Svg + "text").Select(t => t.Value));
    }

    [Fact]
    public void Points_lie_inside_the_plot_and_keep_their_order()
    {
        var chart = new SvgChart("t", "x", "y").Add("s", SeriesKind.Line, [(0, 0), (1, 10), (2, 5)]);
        XDocument doc = XDocument.Parse(chart.ToSvg());
        var circles = doc.Descendants(Svg + "circle").Select(c => (X: D(c, "cx"), Y: D(c, "cy"))).ToList();
        Assert.Equal(3, circles.Count);
        Assert.True(circles[0].X < circles[1].X && circles[1].X < circles[2].X);
        // SVG y grows downwards: the largest value is highest.
        Assert.True(circles[1].Y < circles[2].Y && circles[2].Y < circles[0].Y);
        double width = D(doc.Root!, "width");
        Assert.All(circles, c => Assert.InRange(c.X, 0, width));
    }

    [Fact]
    public void Categorical_axis_labels_every_category_and_bars_are_drawn()
    {
        string[] layers = ["stem", "stage1.block0.conv1", "stage2.stream"];
        var chart = new SvgChart("widths", "layer", "channels") { XCategories = layers }
            .Add("full", SeriesKind.Bar, [(0, 16), (1, 16), (2, 32)])
            .Add("pruned", SeriesKind.Bar, [(0, 12), (1, 4), (2, 32)]);
        XDocument doc = XDocument.Parse(chart.ToSvg());
        var ticks = doc.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "xtick").Select(t => t.Value);
        Assert.Equal(layers, ticks);
        var bars = doc.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "series").Select(g => g.Elements(Svg + "rect").Count());
        Assert.Equal([3, 3], bars);
    }

    [Fact]
    public void Empty_chart_and_non_finite_points_still_give_valid_svg()
    {
        XDocument.Parse(new SvgChart("empty", "x", "y").ToSvg());
        var doc = XDocument.Parse(new SvgChart("nan", "x", "y").Add("s", SeriesKind.Scatter, [(double.NaN, 1), (1, 2)]).ToSvg());
        Assert.Single(doc.Descendants(Svg + "circle"));
    }

    [Theory]
    [InlineData(0.0, 0.93, 0.0, 1.0, 0.2)]
    [InlineData(3.0, 97.0, 0.0, 100.0, 20)]
    [InlineData(0.8512, 0.9121, 0.84, 0.92, 0.02)]
    [InlineData(5.0, 5.0, 4.4, 5.6, 0.2)]
    public void Ticks_are_nice_and_cover_the_range(double min, double max, double lo, double hi, double step)
    {
        double a = min, b = max;
        double[] ticks = SvgChart.NiceTicks(ref a, ref b);
        Assert.Equal(lo, a, 9);
        Assert.Equal(hi, b, 9);
        Assert.Equal(lo, ticks[0], 9);
        Assert.Equal(hi, ticks[^1], 9);
        for (int i = 1; i < ticks.Length; i++) Assert.Equal(step, ticks[i] - ticks[i - 1], 9);
    }

    private static double D(XElement e, string attribute) => double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);
}

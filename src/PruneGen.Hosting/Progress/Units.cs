using System.Globalization;

namespace PruneGen.Hosting.Progress;

/// <summary>Compact human formats for counts and durations.</summary>
public static class Units
{
    /// <summary>1234 -> "1.23k", 40_812_544 -> "40.8M"; negative (unknown) -> "?".</summary>
    public static string Count(double value)
    {
        if (value < 0 || double.IsNaN(value)) return "?";
        return value switch
        {
            >= 1e9 => (value / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "G",
            >= 1e6 => (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
            >= 1e3 => (value / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k",
            _ => value.ToString("0.##", CultureInfo.InvariantCulture),
        };
    }

    public static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes}:{t.Seconds:00}";

    public static string Percent(double fraction) =>
        double.IsNaN(fraction) ? "?" : (fraction * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}

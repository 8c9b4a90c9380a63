namespace Bulwark.Drills.Model;

/// <summary>One measured figure of a drill, with the threshold it was judged against when there is one.</summary>
/// <param name="Name">What was measured, e.g. <c>browse p99</c>.</param>
/// <param name="Value">The measured value.</param>
/// <param name="Unit">Its unit, e.g. <c>ms</c>, <c>requests</c>, <c>%</c>.</param>
/// <param name="Threshold">The rule it was judged by, e.g. <c>&lt;= 500</c>; null for context figures.</param>
/// <param name="Ok">Whether it met the threshold; null for context figures.</param>
public sealed record DrillFigure(string Name, double Value, string Unit, string? Threshold = null, bool? Ok = null)
{
    /// <summary>A figure judged as at most <paramref name="max"/>.</summary>
    public static DrillFigure AtMost(string name, double value, string unit, double max) =>
        new(name, Math.Round(value, 2), unit, $"<= {max:0.##}", value <= max);

    /// <summary>A figure judged as at least <paramref name="min"/>.</summary>
    public static DrillFigure AtLeast(string name, double value, string unit, double min) =>
        new(name, Math.Round(value, 2), unit, $">= {min:0.##}", value >= min);

    /// <summary>A context figure, not judged.</summary>
    public static DrillFigure Info(string name, double value, string unit) => new(name, Math.Round(value, 2), unit);
}

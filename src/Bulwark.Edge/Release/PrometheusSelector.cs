using System.Globalization;
using System.Text;

namespace Bulwark.Edge.Release;

/// <summary>
/// A Prometheus series selector, <c>name</c> or <c>name{label="value",...}</c>, and the sum of the matching series in a
/// scrape in the text exposition format: how the canary's business metric reads a slot's own counters.
/// </summary>
public sealed class PrometheusSelector
{
    private PrometheusSelector(string name, IReadOnlyDictionary<string, string> labels)
    {
        Name = name;
        Labels = labels;
    }

    /// <summary>The metric name (e.g. <c>shop_payments_total</c>).</summary>
    public string Name { get; }

    /// <summary>The labels a series must carry with these values; other labels are ignored.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>Parses a selector.</summary>
    /// <param name="text">The selector, e.g. <c>shop_payments_total{outcome="failed"}</c>.</param>
    /// <param name="selector">The parsed selector.</param>
    /// <param name="error">Why it is not one, when it is not.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TryParse(string? text, out PrometheusSelector? selector, out string? error)
    {
        selector = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "it is empty";
            return false;
        }

        var position = 0;
        var trimmed = text.Trim();
        var name = ReadName(trimmed, ref position);
        if (name.Length == 0)
        {
            error = "it does not start with a metric name";
            return false;
        }

        Dictionary<string, string> labels = new(StringComparer.Ordinal);
        if (position < trimmed.Length)
        {
            if (trimmed[position] != '{' || !TryReadLabels(trimmed, ref position, labels, out error) || position != trimmed.Length)
            {
                error ??= $"unexpected '{trimmed[position..]}' after the name";
                return false;
            }
        }

        selector = new PrometheusSelector(name, labels);
        error = null;
        return true;
    }

    /// <summary>Sums every sample in <paramref name="exposition"/> with this name and these labels; null when none matches.</summary>
    /// <param name="exposition">A scrape in the Prometheus text format.</param>
    /// <returns>The sum, or null when the metric is absent.</returns>
    public double? Sum(string exposition)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        double? sum = null;
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(Name, StringComparison.Ordinal))
            {
                continue;
            }

            var position = 0;
            if (!string.Equals(ReadName(line, ref position), Name, StringComparison.Ordinal))
            {
                continue;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (position < line.Length && line[position] == '{' && !TryReadLabels(line, ref position, labels, out _))
            {
                continue;
            }

            if (Labels.Any(l => !labels.TryGetValue(l.Key, out var value) || value != l.Value))
            {
                continue;
            }

            var rest = line[position..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (rest.Length > 0 && double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var sample) && double.IsFinite(sample))
            {
                sum = (sum ?? 0) + sample;
            }
        }

        return sum;
    }

    /// <inheritdoc />
    public override string ToString() => Labels.Count == 0 ? Name : $"{Name}{{{string.Join(",", Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}}";

    private static string ReadName(string text, ref int position)
    {
        var start = position;
        while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] is '_' or ':') && !(position == start && char.IsAsciiDigit(text[position])))
        {
            position++;
        }

        return text[start..position];
    }

    private static bool TryReadLabels(string text, ref int position, Dictionary<string, string> labels, out string? error)
    {
        position++; // '{'
        while (true)
        {
            while (position < text.Length && text[position] is ' ' or ',')
            {
                position++;
            }

            if (position < text.Length && text[position] == '}')
            {
                position++;
                error = null;
                return true;
            }

            var label = ReadName(text, ref position);
            if (label.Length == 0 || position + 1 >= text.Length || text[position] != '=' || text[position + 1] != '"')
            {
                error = $"a label at position {position} is not name=\"value\"";
                return false;
            }

            position += 2;
            var value = new StringBuilder();
            while (position < text.Length && text[position] != '"')
            {
                if (text[position] == '\\' && position + 1 < text.Length)
                {
                    position++;
                    value.Append(text[position] == 'n' ? '\n' : text[position]);
                }
                else
                {
                    value.Append(text[position]);
                }

                position++;
            }

            if (position >= text.Length)
            {
                error = $"the value of label '{label}' has no closing quote";
                return false;
            }

            position++;
            labels[label] = value.ToString();
        }
    }
}

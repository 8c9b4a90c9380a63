using System.Globalization;
using System.Text.RegularExpressions;

namespace Bulwark.Drills.ThreeAm;

/// <summary>One alert rule as the 3 AM drill reads it: its name, severity, <c>for:</c> and runbook link.</summary>
/// <param name="Name">The alert's name.</param>
/// <param name="Severity">Its <c>severity</c> label, if any.</param>
/// <param name="For">Its <c>for:</c>, as written.</param>
/// <param name="RunbookUrl">Its <c>runbook_url</c> annotation, if any.</param>
public sealed record AlertRule(string Name, string? Severity, TimeSpan For, string? RunbookUrl);

/// <summary>
/// The alert rules file read as text (no YAML library: the shapes read here are one key per line), checked against
/// the runbook, and rendered faster for a drill: every <c>for:</c> and range window divided by a scale.
/// </summary>
public static partial class AlertRules
{
    /// <summary>The rules in <paramref name="yaml"/>, in file order.</summary>
    public static IReadOnlyList<AlertRule> Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var rules = new List<AlertRule>();
        string? name = null, severity = null, runbook = null;
        var @for = TimeSpan.Zero;
        foreach (var line in yaml.Split('\n'))
        {
            if (AlertLine().Match(line) is { Success: true } alert)
            {
                if (name is not null)
                {
                    rules.Add(new AlertRule(name, severity, @for, runbook));
                }

                (name, severity, runbook, @for) = (alert.Groups[1].Value.Trim(), null, null, TimeSpan.Zero);
            }
            else if (name is not null && ForLine().Match(line) is { Success: true } f)
            {
                @for = Duration(f.Groups[1].Value);
            }
            else if (name is not null && SeverityLine().Match(line) is { Success: true } s)
            {
                severity = s.Groups[1].Value.Trim().Trim('"');
            }
            else if (name is not null && RunbookLine().Match(line) is { Success: true } r)
            {
                runbook = r.Groups[1].Value.Trim().Trim('"');
            }
        }

        if (name is not null)
        {
            rules.Add(new AlertRule(name, severity, @for, runbook));
        }

        return rules;
    }

    /// <summary>
    /// What is wrong with each rule's runbook link: missing, pointing at another file than <paramref name="runbookFileName"/>,
    /// or at a section <paramref name="runbookMarkdown"/> does not have (sections are its headings, GitHub-style anchors).
    /// </summary>
    public static IReadOnlyList<string> RunbookProblems(IEnumerable<AlertRule> rules, string runbookFileName, string runbookMarkdown)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(runbookMarkdown);
        var anchors = runbookMarkdown.Split('\n')
            .Where(l => l.StartsWith('#'))
            .Select(l => Anchor(l.TrimStart('#').Trim()))
            .ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var rule in rules)
        {
            if (rule.RunbookUrl is not { Length: > 0 } url)
            {
                problems.Add($"{rule.Name} has no runbook_url.");
                continue;
            }

            var hash = url.IndexOf('#', StringComparison.Ordinal);
            var file = hash < 0 ? url : url[..hash];
            if (!file.EndsWith(runbookFileName, StringComparison.Ordinal))
            {
                problems.Add($"{rule.Name}'s runbook_url {url} is not in {runbookFileName}.");
            }
            else if (hash < 0 || !anchors.Contains(url[(hash + 1)..]))
            {
                problems.Add($"{rule.Name}'s runbook_url {url} names no section of {runbookFileName}.");
            }
        }

        return problems;
    }

    /// <summary>
    /// <paramref name="yaml"/> with every <c>for:</c> and every range window (<c>[5m]</c>) divided by <paramref name="scale"/>;
    /// a window never below <paramref name="minWindow"/> (a rate needs a few scrapes).
    /// </summary>
    public static string Render(string yaml, int scale, TimeSpan minWindow)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        var scaledFor = ForLine().Replace(yaml, m => m.Value.Replace(m.Groups[1].Value, Format(Duration(m.Groups[1].Value) / scale), StringComparison.Ordinal));
        return RangeWindow().Replace(scaledFor, m =>
        {
            var window = Duration(m.Groups[1].Value) / scale;
            return "[" + Format(window < minWindow ? minWindow : window) + m.Groups[2].Value + "]";
        });
    }

    /// <summary>A Prometheus duration such as <c>90s</c>, <c>5m</c>, <c>1h</c> or <c>1h30m</c>.</summary>
    public static TimeSpan Duration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var total = TimeSpan.Zero;
        foreach (Match part in DurationPart().Matches(text.Trim()))
        {
            var n = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                _ => TimeSpan.Zero,
            };
        }

        return total;
    }

    private static string Format(TimeSpan d) => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (long)Math.Round(d.TotalMilliseconds))}ms");

    private static string Anchor(string heading) =>
        string.Concat(heading.ToLowerInvariant().Where(ch => char.IsLetterOrDigit(ch) || ch is ' ' or '-' or '_')).Replace(' ', '-');

    [GeneratedRegex(@"^\s*-\s*alert:\s*(\S+)\s*$")]
    private static partial Regex AlertLine();

    [GeneratedRegex(@"^\s*for:\s*([0-9][0-9smhd]*)\s*$", RegexOptions.Multiline)]
    private static partial Regex ForLine();

    [GeneratedRegex(@"^\s*severity:\s*(\S+)\s*$")]
    private static partial Regex SeverityLine();

    [GeneratedRegex(@"^\s*runbook_url:\s*(\S+)\s*$")]
    private static partial Regex RunbookLine();

    // A range selector or subquery window: [5m], [5m:1m] keeps its step part.
    [GeneratedRegex(@"\[([0-9]+(?:ms|[smhd])(?:[0-9]+(?:ms|[smhd]))*)((?::[0-9smhd]*)?)\]")]
    private static partial Regex RangeWindow();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)")]
    private static partial Regex DurationPart();
}

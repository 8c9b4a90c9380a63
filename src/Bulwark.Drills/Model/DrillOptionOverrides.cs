using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;

namespace Bulwark.Drills.Model;

/// <summary>
/// Thresholds and other options changed from the command line: <c>BrowseP99Threshold=800ms</c> (every drill whose
/// options have that property) or <c>plug-pull.BrowseP99Threshold=800ms</c> (one drill). Times take <c>ms</c>,
/// <c>s</c> or <c>min</c> suffixes, or <c>hh:mm:ss</c>. The drill validates the result as it would its defaults.
/// </summary>
public sealed class DrillOptionOverrides
{
    private readonly List<(string? Drill, string Property, string Value)> _entries = [];
    private readonly HashSet<int> _used = [];

    /// <summary>No overrides.</summary>
    public static DrillOptionOverrides None => new();

    /// <summary>Parses <c>[drill.]Property=value</c> entries.</summary>
    /// <exception cref="ArgumentException">An entry is not of that shape.</exception>
    public static DrillOptionOverrides Parse(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var overrides = new DrillOptionOverrides();
        foreach (var entry in entries)
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"'{entry}' is not [drill.]Option=value; e.g. --set plug-pull.BrowseP99Threshold=800ms or --set Duration=5s.");
            }

            var key = entry[..equals].Trim();
            var dot = key.LastIndexOf('.');
            overrides._entries.Add((dot > 0 ? key[..dot] : null, key[(dot + 1)..], entry[(equals + 1)..].Trim()));
        }

        return overrides;
    }

    /// <summary>
    /// Adds <paramref name="drill"/>.<paramref name="property"/>=<paramref name="value"/> unless an override already
    /// names that option: a default the command line derives (e.g. the provider's URL from <c>--dependency payments=</c>),
    /// which the user's own <c>--set</c> wins over and which is not an error when that drill does not run.
    /// </summary>
    public DrillOptionOverrides WithDefault(string drill, string property, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(drill);
        ArgumentException.ThrowIfNullOrWhiteSpace(property);
        ArgumentNullException.ThrowIfNull(value);
        if (!_entries.Exists(e => string.Equals(e.Property, property, StringComparison.OrdinalIgnoreCase)
            && (e.Drill is null || string.Equals(e.Drill, drill, StringComparison.OrdinalIgnoreCase))))
        {
            _entries.Add((drill, property, value));
            _used.Add(_entries.Count - 1);
        }

        return this;
    }

    /// <summary>Whether any override was given.</summary>
    public bool IsEmpty => _entries.Count == 0;

    /// <summary>Sets the overrides that apply to <paramref name="drill"/> on <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">An override names this drill but not one of its options, or its value does not parse.</exception>
    public T ApplyTo<T>(string drill, T options)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(options);
        for (var i = 0; i < _entries.Count; i++)
        {
            var (forDrill, name, value) = _entries[i];
            if (forDrill is not null && !string.Equals(forDrill, drill, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var property = typeof(T).GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite)
            {
                if (forDrill is not null)
                {
                    var known = typeof(T).GetProperties().Where(p => p.CanWrite).Select(p => p.Name);
                    throw new ArgumentException($"{drill} has no option '{name}'; its options are: {string.Join(", ", known)}.");
                }

                continue;
            }

            property.SetValue(options, Convert(property.PropertyType, value, $"{drill}.{property.Name}"));
            _used.Add(i);
        }

        return options;
    }

    /// <summary>Throws when an override applied to no drill at all (a typo would otherwise be ignored silently).</summary>
    /// <exception cref="ArgumentException">Some override matched no drill's options.</exception>
    public void EnsureAllUsed()
    {
        var unused = _entries.Where((_, i) => !_used.Contains(i)).Select(e => e.Drill is null ? e.Property : $"{e.Drill}.{e.Property}").ToList();
        if (unused.Count > 0)
        {
            throw new ArgumentException($"No drill run has the option(s) {string.Join(", ", unused)}; bulwark drill list names the drills, docs/drills.md their options.");
        }
    }

    private static object? Convert(Type type, string value, string what)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        try
        {
            return target switch
            {
                _ when target == typeof(string) => value,
                _ when target == typeof(TimeSpan) => ParseTime(value),
                _ when target == typeof(int) => int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture),
                _ when target == typeof(long) => long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture),
                _ when target == typeof(double) => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
                _ when target == typeof(bool) => bool.Parse(value),
                _ when target == typeof(Uri) => new Uri(value, UriKind.RelativeOrAbsolute),
                _ when target.IsEnum => Enum.Parse(target, value, ignoreCase: true),
                _ => throw new ValidationException($"{what} cannot be set from the command line."),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new ArgumentException($"{what}={value} does not parse as {target.Name}{(target == typeof(TimeSpan) ? " (e.g. 800ms, 5s, 2min or 00:00:05)" : "")}.", e);
        }
    }

    private static TimeSpan ParseTime(string value)
    {
        var v = value.Trim();
        static double Number(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
        return v switch
        {
            _ when v.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => TimeSpan.FromMilliseconds(Number(v[..^2])),
            _ when v.EndsWith("min", StringComparison.OrdinalIgnoreCase) => TimeSpan.FromMinutes(Number(v[..^3])),
            _ when v.EndsWith('s') => TimeSpan.FromSeconds(Number(v[..^1])),
            _ => TimeSpan.Parse(v, CultureInfo.InvariantCulture),
        };
    }
}

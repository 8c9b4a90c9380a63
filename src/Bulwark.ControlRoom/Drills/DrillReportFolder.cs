using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bulwark.ControlRoom.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Drills;

/// <summary>
/// The folder <c>bulwark drill run</c> writes its reports to. Lists the newest report pages (<c>&lt;drill&gt;-&lt;utc&gt;.html</c>)
/// with the verdicts from the JSON written beside them, and reads a page only when its name is one it listed: a request
/// never names a path, so nothing outside the folder (or a link inside it) can be served.
/// </summary>
internal sealed partial class DrillReportFolder
{
    // Files a scan looks at: a folder that collected years of runs is still listed in bounded time.
    private const int MaxScannedFiles = 10_000;

    private readonly DrillReportsOptions _options;
    private readonly ConcurrentDictionary<string, (DateTime WrittenAt, long Bytes, DrillRunSummary Summary)> _summaries = new(StringComparer.Ordinal);

    public DrillReportFolder(IOptions<ControlRoomOptions> options, IHostEnvironment? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value.DrillReports;
        if (_options.Path is { Length: > 0 } path)
        {
            FullPath = System.IO.Path.GetFullPath(path, environment?.ContentRootPath ?? Directory.GetCurrentDirectory());
        }
    }

    /// <summary>The folder, fully qualified; <see langword="null"/> when none is configured.</summary>
    public string? FullPath { get; }

    /// <summary>The largest file read or served.</summary>
    public int MaxBytes => _options.MaxReportBytes;

    /// <summary>Why <paramref name="options"/> are invalid, naming the key to fix; <see langword="null"/> when valid.</summary>
    public static string? Validate(DrillReportsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxReports is < 1 or > 500 || options.MaxReportBytes is < 1024 or > 256 * 1024 * 1024)
        {
            return "Bulwark:ControlRoom:DrillReports is invalid: MaxReports 1 to 500, MaxReportBytes 1024 to 268435456.";
        }

        if (options.Path is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(options.Path) || options.Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            return $"Bulwark:ControlRoom:DrillReports:Path '{options.Path}' is not a folder path; give the folder `bulwark drill run --report-dir` writes to, or remove the key.";
        }

        return null;
    }

    /// <summary>The newest report pages, newest first, at most <see cref="DrillReportsOptions.MaxReports"/>.</summary>
    public IReadOnlyList<DrillReportFile> List()
    {
        if (FullPath is null || !Directory.Exists(FullPath))
        {
            return [];
        }

        var scan = new EnumerationOptions
        {
            RecurseSubdirectories = false,
            IgnoreInaccessible = true,
            // A symbolic link could point anywhere on the machine: only regular files in the folder are reports.
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint | FileAttributes.Directory,
        };
        var files = new List<DrillReportFile>();
        foreach (var info in new DirectoryInfo(FullPath).EnumerateFiles("*.html", scan).Take(MaxScannedFiles))
        {
            if (ReportName().Match(info.Name) is { Success: true } match
                && DateTimeOffset.TryParseExact(match.Groups["at"].Value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                files.Add(new DrillReportFile(info.Name, match.Groups["drill"].Value, at, info.Length, info.LastWriteTimeUtc));
            }
        }

        var newest = files
            .OrderByDescending(f => f.StartedAt)
            .ThenBy(f => f.FileName, StringComparer.Ordinal)
            .Take(_options.MaxReports)
            .ToList();
        // Forget the summaries of runs that fell off the list, so the cache stays as bounded as the list.
        foreach (var key in _summaries.Keys.Except(newest.Select(f => f.FileName), StringComparer.Ordinal))
        {
            _summaries.TryRemove(key, out _);
        }

        return newest;
    }

    /// <summary>The listed report page called <paramref name="fileName"/>; <see langword="null"/> when it is not one of them.</summary>
    public DrillReportFile? Find(string fileName) =>
        List().FirstOrDefault(f => string.Equals(f.FileName, fileName, StringComparison.Ordinal));

    /// <summary>
    /// The bytes of a listed page, or <see langword="null"/> when it is larger than <see cref="MaxBytes"/> (also when it
    /// grew past it after listing) or has gone.
    /// </summary>
    public async Task<byte[]?> ReadPageAsync(DrillReportFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        return FullPath is null ? null : await ReadBoundedAsync(System.IO.Path.Combine(FullPath, file.FileName), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The verdicts of a run from the JSON <c>bulwark drill run</c> wrote beside its page; <see langword="null"/> when none is readable.</summary>
    public async Task<DrillRunSummary?> SummaryAsync(DrillReportFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (FullPath is null)
        {
            return null;
        }

        if (_summaries.TryGetValue(file.FileName, out var cached) && cached.WrittenAt == file.WrittenAt && cached.Bytes == file.Bytes)
        {
            return cached.Summary;
        }

        // A single drill's JSON is stamped with the drill's own start, which can be a second or two after the page's.
        for (var lag = 0; lag <= 2; lag++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{file.Drill}-{file.StartedAt.AddSeconds(lag):yyyyMMdd'T'HHmmss'Z'}.json");
            var info = new FileInfo(System.IO.Path.Combine(FullPath, name));
            if (!info.Exists || info.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                continue;
            }

            if (await ReadBoundedAsync(info.FullName, cancellationToken).ConfigureAwait(false) is not { } bytes)
            {
                return new DrillRunSummary([], $"its JSON summary {name} is larger than {MaxBytes} bytes");
            }

            var summary = Parse(bytes, name);
            _summaries[file.FileName] = (file.WrittenAt, file.Bytes, summary);
            return summary;
        }

        return null;
    }

    internal static DrillRunSummary Parse(byte[] json, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            var reports = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().Select(Entry).ToList() : [Entry(root)];
            return new DrillRunSummary(reports, null);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            return new DrillRunSummary([], $"its JSON summary {name} is not a drill report ({e.Message})");
        }
    }

    private static DrillRunEntry Entry(JsonElement report)
    {
        var verdict = report.GetProperty("verdict");
        var figures = verdict.TryGetProperty("figures", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(f => new DrillRunFigure(
                Text(f, "name"),
                f.GetProperty("value").GetDouble(),
                Text(f, "unit"),
                f.TryGetProperty("threshold", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null,
                f.TryGetProperty("ok", out var ok) && ok.ValueKind is JsonValueKind.True or JsonValueKind.False ? ok.GetBoolean() : null)).ToList()
            : [];
        var duration = report.TryGetProperty("duration", out var d) && d.ValueKind == JsonValueKind.String
            && TimeSpan.TryParse(d.GetString(), CultureInfo.InvariantCulture, out var took) ? took : (TimeSpan?)null;
        return new DrillRunEntry(Text(report, "drill"), Text(report, "title"), Text(verdict, "outcome"), Text(verdict, "reason"), figures, duration);
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;

    private async Task<byte[]?> ReadBoundedAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            // Shared: the CLI may be writing the next report into the folder right now.
            var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, Options = FileOptions.Asynchronous });
            await using (stream.ConfigureAwait(false))
            {
                if (stream.Length > MaxBytes)
                {
                    return null;
                }

                // Read one byte past the bound: a file that grew since its length was read is refused, not cut.
                var buffer = new byte[Math.Min(stream.Length, MaxBytes) + 1];
                var read = 0;
                int n;
                while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    read += n;
                }

                return read > MaxBytes ? null : buffer[..read];
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // What `bulwark drill run` names its pages: the drill (or "drills" for a whole run) and the run's UTC start.
    [GeneratedRegex(@"^(?<drill>[a-z0-9][a-z0-9-]{0,63})-(?<at>[0-9]{8}T[0-9]{6}Z)\.html$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex ReportName();
}

/// <summary>A report page in the folder.</summary>
/// <param name="FileName">Its file name, which is also its route.</param>
/// <param name="Drill">The drill's name, or <c>drills</c> for a run of several.</param>
/// <param name="StartedAt">When the run started (from the name).</param>
/// <param name="Bytes">Its size.</param>
/// <param name="WrittenAt">When it was last written.</param>
internal sealed record DrillReportFile(string FileName, string Drill, DateTimeOffset StartedAt, long Bytes, DateTime WrittenAt);

/// <summary>The verdicts of one run, or why they could not be read.</summary>
internal sealed record DrillRunSummary(IReadOnlyList<DrillRunEntry> Reports, string? Problem);

/// <summary>One drill's verdict and figures.</summary>
internal sealed record DrillRunEntry(string Drill, string Title, string Outcome, string Reason, IReadOnlyList<DrillRunFigure> Figures, TimeSpan? Duration);

/// <summary>One figure a drill measured, with its threshold when judged.</summary>
internal sealed record DrillRunFigure(string Name, double Value, string Unit, string? Threshold, bool? Ok);

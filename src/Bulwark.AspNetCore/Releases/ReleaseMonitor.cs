using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Releases;

/// <summary>
/// Reads the release manifest at start and re-hashes the release folder every <see cref="ReleaseOptions.CheckInterval"/>:
/// a file or setting changed under a running instance is drift, reported on <c>/health/release</c>, as the
/// <c>bulwark.release.drift</c> gauge and by one log line when the state changes. Instances are replaced, never patched.
/// </summary>
internal sealed partial class ReleaseMonitor : BackgroundService
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Bulwark.Release";

    private readonly ReleaseOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ReleaseMonitor> _logger;
    private readonly string _folder;
    private ReleaseManifest? _manifest;
    private volatile ReleaseStatus _status;

    public ReleaseMonitor(IOptions<ReleaseOptions> options, TimeProvider time, IMeterFactory meterFactory, ILogger<ReleaseMonitor> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _folder = Path.GetFullPath(_options.Folder ?? AppContext.BaseDirectory);
        _status = new ReleaseStatus(null, null, null, _folder, _options.DetectDrift, null, [], "not read yet")
        {
            InstanceId = Guid.NewGuid().ToString("N"),
            StartedAt = time.GetUtcNow(),
        };
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("bulwark.release.info", ObserveInfo, description: "1, labelled with the release id and commit this instance runs (no series without a manifest).");
        meter.CreateObservableGauge("bulwark.release.drift", ObserveDrift, "{file}", "Files in the release folder that differ from the release manifest (changed, missing or added); 0 when it matches.");
    }

    /// <summary>The last known state.</summary>
    public ReleaseStatus Status => _status;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Read before the host serves: the first probe already names the release.
        var path = Path.Combine(_folder, ReleaseManifest.FileName);
        if (!File.Exists(path))
        {
            _status = _status with { Problem = $"no {ReleaseManifest.FileName} in {_folder}: not a release build" };
            LogNoManifest(_logger, path);
        }
        else
        {
            try
            {
                _manifest = await ReleaseManifest.ReadAsync(path, cancellationToken).ConfigureAwait(false);
                _status = _status with { ReleaseId = _manifest.ReleaseId, Commit = _manifest.Commit, ConfigurationHash = _manifest.ConfigurationHash, Problem = null };
                LogRelease(_logger, _manifest.ReleaseId, _manifest.Commit, _folder, _options.DetectDrift);
            }
            catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or IOException)
            {
                _status = _status with { Problem = $"{path} could not be read: {e.Message}" };
                LogManifestUnreadable(_logger, path, e);
            }
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_manifest is null || !_options.DetectDrift)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.CheckInterval, _time);
        do
        {
            await CheckAsync(stoppingToken).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Compares the folder with the manifest once and logs if the verdict changed.</summary>
    internal async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (_manifest is null)
        {
            return;
        }

        IReadOnlyList<ReleaseDrift> drift;
        try
        {
            drift = await _manifest.CompareAsync(_folder, [.. _options.IgnoredPaths], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder that cannot be read is not the release either: report it as drift of the folder itself.
            drift = [new ReleaseDrift(".", ReleaseDriftKind.Changed, Configuration: false)];
            LogCheckFailed(_logger, _folder, e);
        }

        var before = _status;
        _status = before with { CheckedAt = _time.GetUtcNow(), Drift = drift };
        if (drift.Count > 0 && !SameDrift(before.Drift, drift))
        {
            var first = drift[0];
            LogDrifted(_logger, _manifest.ReleaseId, drift.Count, first.Path, first.Kind, drift.Any(d => d.Configuration));
        }
        else if (drift.Count == 0 && before.Drift.Count > 0)
        {
            LogMatchesAgain(_logger, _manifest.ReleaseId);
        }
    }

    private static bool SameDrift(IReadOnlyList<ReleaseDrift> a, IReadOnlyList<ReleaseDrift> b) => a.SequenceEqual(b);

    private IEnumerable<Measurement<int>> ObserveInfo()
    {
        if (_manifest is { } manifest)
        {
            yield return new Measurement<int>(1, new KeyValuePair<string, object?>("release", manifest.ReleaseId), new KeyValuePair<string, object?>("commit", manifest.Commit));
        }
    }

    private IEnumerable<Measurement<int>> ObserveDrift()
    {
        if (_manifest is { } manifest && _options.DetectDrift)
        {
            yield return new Measurement<int>(_status.Drift.Count, new KeyValuePair<string, object?>("release", manifest.ReleaseId));
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Running release {ReleaseId} (commit {Commit}) from {Folder}; drift detection {DetectDrift}")]
    private static partial void LogRelease(ILogger logger, string releaseId, string commit, string folder, bool detectDrift);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "No release manifest at {Path}: the release id is unknown and drift is not checked")]
    private static partial void LogNoManifest(ILogger logger, string path);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Error, Message = "The release manifest {Path} could not be read; drift is not checked")]
    private static partial void LogManifestUnreadable(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "Release {ReleaseId} drifted: {Count} file(s) differ from the manifest, first {Path} ({Kind}); configuration changed: {Configuration}. Replace the instance, do not patch it")]
    private static partial void LogDrifted(ILogger logger, string releaseId, int count, string path, ReleaseDriftKind kind, bool configuration);

    [LoggerMessage(EventId = 2205, Level = LogLevel.Information, Message = "Release {ReleaseId} matches its manifest again")]
    private static partial void LogMatchesAgain(ILogger logger, string releaseId);

    [LoggerMessage(EventId = 2206, Level = LogLevel.Warning, Message = "The release folder {Folder} could not be read for the drift check")]
    private static partial void LogCheckFailed(ILogger logger, string folder, Exception exception);
}

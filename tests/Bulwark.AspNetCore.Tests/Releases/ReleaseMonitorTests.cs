using System.Diagnostics.Metrics;
using Bulwark.AspNetCore.Releases;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.AspNetCore.Tests.Releases;

/// <summary>Drift under a running instance: reported on health, as a metric, and logged once per change of state.</summary>
public sealed class ReleaseMonitorTests : IAsyncDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bulwark-release-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<ReleaseMonitor> _logger = new();
    private readonly TestMeterFactory _meters = new();
    private ReleaseMonitor? _monitor;

    public async ValueTask DisposeAsync()
    {
        if (_monitor is not null)
        {
            await _monitor.StopAsync(CancellationToken.None);
            _monitor.Dispose();
        }

        _meters.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Start_WithManifest_ReportsTheReleaseIdOnHealthAndMetric()
    {
        var release = await ReleaseAsync();
        var monitor = await StartAsync(new ReleaseOptions { Folder = _folder });
        using var info = new MetricCollector<int>(_meters, ReleaseMonitor.MeterName, "bulwark.release.info");

        var health = await new ReleaseHealthCheck(monitor).CheckHealthAsync(new HealthCheckContext(), Ct);
        info.RecordObservableInstruments();

        Assert.Equal(release.ReleaseId, monitor.Status.ReleaseId);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Contains(release.ReleaseId, health.Description, StringComparison.Ordinal);
        var point = Assert.Single(info.GetMeasurementSnapshot());
        Assert.Equal(1, point.Value);
        Assert.Equal(release.ReleaseId, point.Tags["release"]);
    }

    [Fact]
    public async Task Check_SettingChangedUnderTheInstance_DegradedMetricAndOneLogLine()
    {
        await ReleaseAsync();
        var monitor = await StartAsync(new ReleaseOptions { Folder = _folder });
        using var drift = new MetricCollector<int>(_meters, ReleaseMonitor.MeterName, "bulwark.release.drift");
        await monitor.CheckAsync(Ct);

        File.WriteAllText(Path.Combine(_folder, "appsettings.json"), """{ "Limit": 1000 }""");
        await monitor.CheckAsync(Ct);
        await monitor.CheckAsync(Ct);
        var health = await new ReleaseHealthCheck(monitor).CheckHealthAsync(new HealthCheckContext(), Ct);
        drift.RecordObservableInstruments();

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("appsettings.json", health.Description, StringComparison.Ordinal);
        Assert.Equal(1, drift.LastMeasurement!.Value);
        var warning = Assert.Single(_logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("configuration changed: True", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_FileRestored_HealthyAgainAndLogsIt()
    {
        await ReleaseAsync();
        var monitor = await StartAsync(new ReleaseOptions { Folder = _folder });
        var dll = Path.Combine(_folder, "App.dll");
        File.WriteAllText(dll, "patched code");
        await monitor.CheckAsync(Ct);
        Assert.True(monitor.Status.Drifted);

        File.WriteAllText(dll, "code");
        await monitor.CheckAsync(Ct);

        Assert.False(monitor.Status.Drifted);
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Message.Contains("matches its manifest again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Timer_DriftAfterStart_FoundOnTheNextTick()
    {
        await ReleaseAsync();
        var monitor = await StartAsync(new ReleaseOptions { Folder = _folder, CheckInterval = TimeSpan.FromSeconds(30) });
        await WaitUntilAsync(() => monitor.Status.CheckedAt is not null);

        File.WriteAllText(Path.Combine(_folder, "Patch.dll"), "hotfix");
        _time.Advance(TimeSpan.FromSeconds(30));

        await WaitUntilAsync(() => monitor.Status.Drifted);
        Assert.Equal(new ReleaseDrift("Patch.dll", ReleaseDriftKind.Added, Configuration: false), Assert.Single(monitor.Status.Drift));
    }

    [Fact]
    public async Task DetectDriftOff_FileChanged_NothingReported()
    {
        await ReleaseAsync();
        var monitor = await StartAsync(new ReleaseOptions { Folder = _folder, DetectDrift = false });
        File.WriteAllText(Path.Combine(_folder, "App.dll"), "patched code");
        _time.Advance(TimeSpan.FromMinutes(5));

        var health = await new ReleaseHealthCheck(monitor).CheckHealthAsync(new HealthCheckContext(), Ct);

        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Contains("drift detection off", health.Description, StringComparison.Ordinal);
        Assert.Null(monitor.Status.CheckedAt);
    }

    [Fact]
    public async Task Start_NoManifest_HealthyWithoutReleaseAndNoInfoSeries()
    {
        Directory.CreateDirectory(_folder);
        var monitor = await StartAsync(new ReleaseOptions { Folder = _folder });
        using var info = new MetricCollector<int>(_meters, ReleaseMonitor.MeterName, "bulwark.release.info");

        var health = await new ReleaseHealthCheck(monitor).CheckHealthAsync(new HealthCheckContext(), Ct);
        info.RecordObservableInstruments();

        Assert.Null(monitor.Status.ReleaseId);
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Empty(info.GetMeasurementSnapshot());
    }

    private async Task<ReleaseManifest> ReleaseAsync()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "App.dll"), "code");
        File.WriteAllText(Path.Combine(_folder, "appsettings.json"), """{ "Limit": 10 }""");
        var release = await ReleaseManifest.CreateAsync(_folder, "abc123", Ct);
        await release.WriteAsync(_folder, Ct);
        return release;
    }

    private async Task<ReleaseMonitor> StartAsync(ReleaseOptions options)
    {
        _monitor = new ReleaseMonitor(Options.Create(options), _time, _meters, _logger);
        await _monitor.StartAsync(Ct);
        return _monitor;
    }

    // The check hashes real files on the thread pool after the fake clock ticks: wait for its result, bounded.
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10, Ct);
        }

        Assert.True(condition());
    }

    private sealed class TestMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}

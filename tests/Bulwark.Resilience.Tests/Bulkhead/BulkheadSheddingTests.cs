using System.Diagnostics.Metrics;
using Bulwark.Resilience.Bulkhead;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Resilience.Tests.Bulkhead;

/// <summary>Issue 13: a compartment used for load shedding bounds the queue wait, and says when shedding starts and stops (once each).</summary>
public sealed class BulkheadSheddingTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 2, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger _logger = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BulkheadCompartment Compartment(int queueLimit = 1) =>
        new($"shed-{Guid.NewGuid():N}", new() { MaxConcurrency = 1, QueueLimit = queueLimit, RetryAfter = TimeSpan.FromSeconds(2) }, _logger, null, _time);

    [Fact]
    public async Task AcquireAsync_QueuedLongerThanMaxWait_IsRefusedNotLeftWaiting()
    {
        using var compartment = Compartment();
        using var held = await compartment.AcquireAsync(Ct);

        var waiting = compartment.AcquireAsync(TimeSpan.FromSeconds(1), Ct).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, compartment.QueuedCount);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        using var refused = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.False(refused.IsAcquired);
        Assert.Equal(0, compartment.QueuedCount);
        Assert.True(compartment.IsShedding);
    }

    [Fact]
    public async Task AcquireAsync_SlotFreedWithinMaxWait_IsAdmitted()
    {
        using var compartment = Compartment();
        var held = await compartment.AcquireAsync(Ct);

        var waiting = compartment.AcquireAsync(TimeSpan.FromSeconds(1), Ct).AsTask();
        held.Dispose();
        using var admitted = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.True(admitted.IsAcquired);
        Assert.False(compartment.IsShedding);
    }

    [Fact]
    public async Task AcquireAsync_ZeroMaxWait_NeverQueues()
    {
        using var compartment = Compartment(queueLimit: 10);
        using var held = await compartment.AcquireAsync(Ct);

        using var refused = await compartment.AcquireAsync(TimeSpan.Zero, Ct);

        Assert.False(refused.IsAcquired);
        Assert.Equal(0, compartment.QueuedCount);
    }

    [Fact]
    public async Task AcquireAsync_CallerCancels_ThrowsAndIsNoRefusal()
    {
        using var compartment = Compartment();
        using var held = await compartment.AcquireAsync(Ct);
        using var cancel = new CancellationTokenSource();

        var waiting = compartment.AcquireAsync(TimeSpan.FromSeconds(5), cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.False(compartment.IsShedding);
    }

    [Fact]
    public async Task Refusals_LogOneLineWhenSheddingStartsAndOneWhenItStops_NotOnePerRefusal()
    {
        using var compartment = Compartment(queueLimit: 0);
        var held = await compartment.AcquireAsync(Ct);
        for (var i = 0; i < 50; i++)
        {
            using var refused = await compartment.AcquireAsync(Ct);
            Assert.False(refused.IsAcquired);
        }

        held.Dispose();
        // Room again, but within a retry-after of the last refusal: still shedding (no flapping at the edge).
        using (var early = await compartment.AcquireAsync(Ct))
        {
            Assert.True(early.IsAcquired);
        }

        Assert.True(compartment.IsShedding);
        _time.Advance(TimeSpan.FromSeconds(2));
        using (var late = await compartment.AcquireAsync(Ct))
        {
            Assert.True(late.IsAcquired);
        }

        Assert.False(compartment.IsShedding);
        var lines = _logger.Collector.GetSnapshot();
        Assert.Equal(2, lines.Count);
        Assert.Equal(LogLevel.Warning, lines[0].Level);
        Assert.Contains("shedding started", lines[0].Message, StringComparison.Ordinal);
        Assert.Contains("shedding stopped after 50 refused calls", lines[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_CountAdmissionsByQueuedAndRefusals_AndShowShedding()
    {
        using var compartment = Compartment();
        var name = compartment.Name;
        long admittedAtOnce = 0, admittedQueued = 0, refusals = 0, shedding = -1;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Bulwark.Resilience" && instrument.Name.StartsWith("bulwark.bulkhead.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var mine = false;
            var queued = false;
            foreach (var tag in tags)
            {
                mine |= tag is { Key: "bulwark.bulkhead", Value: string n } && n == name;
                queued |= tag is { Key: "bulwark.bulkhead.queued", Value: true };
            }

            if (!mine)
            {
                return;
            }

            switch (instrument.Name)
            {
                case "bulwark.bulkhead.admissions" when queued: admittedQueued += value; break;
                case "bulwark.bulkhead.admissions": admittedAtOnce += value; break;
                case "bulwark.bulkhead.rejections": refusals += value; break;
                case "bulwark.bulkhead.shedding": shedding = value; break;
            }
        });
        listener.Start();

        var held = await compartment.AcquireAsync(Ct);
        var queued = compartment.AcquireAsync(TimeSpan.FromSeconds(5), Ct).AsTask();
        using (var refused = await compartment.AcquireAsync(TimeSpan.FromSeconds(5), Ct))
        {
            Assert.False(refused.IsAcquired);
        }

        held.Dispose();
        (await queued.WaitAsync(TimeSpan.FromSeconds(10), Ct)).Dispose();
        listener.RecordObservableInstruments();

        Assert.Equal(1, admittedAtOnce);
        Assert.Equal(1, admittedQueued);
        Assert.Equal(1, refusals);
        Assert.Equal(1, shedding);
    }
}

using Bulwark.Drills.Load;
using Bulwark.Drills.Timeline;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Drills.Tests.Timeline;

public sealed class DrillRecorderTests
{
    [Fact]
    public void ToTimeline_RequestsAcrossSeconds_BucketsThemByStartWithErrorsAndPercentiles()
    {
        var time = new FakeTimeProvider();
        var recorder = new DrillRecorder(time);
        time.Advance(TimeSpan.FromMilliseconds(500));
        recorder.Record(Sample(200, latencyMs: 100));
        recorder.Record(Sample(503, latencyMs: 300));
        time.Advance(TimeSpan.FromSeconds(2));
        // Started at 2.3 s (finished at 2.5 s): bucket 2, and bucket 1 stays in the timeline, empty.
        recorder.Record(Sample(200, latencyMs: 200));

        var timeline = recorder.ToTimeline();

        Assert.Equal(3, timeline.Buckets.Count);
        Assert.Equal((2, 1, 300.0), (timeline.Buckets[0].Requests, timeline.Buckets[0].Errors, timeline.Buckets[0].P99Ms));
        Assert.Equal(100, timeline.Buckets[0].P50Ms);
        Assert.Equal(0, timeline.Buckets[1].Requests);
        Assert.Equal((1, 0), (timeline.Buckets[2].Requests, timeline.Buckets[2].Errors));
        Assert.Equal(2.5, timeline.TotalSeconds, 3);
    }

    [Fact]
    public void FaultOnThenOff_RecordsTheWindowAndProgressShowsItOnlyWhileOn()
    {
        var time = new FakeTimeProvider();
        var recorder = new DrillRecorder(time);
        recorder.Phase("exercise");
        time.Advance(TimeSpan.FromSeconds(1));
        recorder.FaultOn("payments: Down");
        time.Advance(TimeSpan.FromSeconds(3));
        var during = recorder.Progress;
        recorder.FaultOff("payments:");

        var window = Assert.Single(recorder.ToTimeline().Faults);

        Assert.Equal(["payments: Down"], during.FaultsOn);
        Assert.Equal("exercise", during.Phase);
        Assert.Empty(recorder.Progress.FaultsOn);
        Assert.Equal(("payments: Down", 1.0, (double?)4.0), (window.Name, window.StartSeconds, window.EndSeconds));
    }

    [Fact]
    public void Restart_ForgetsTheLastDrill()
    {
        var time = new FakeTimeProvider();
        var recorder = new DrillRecorder(time);
        recorder.Record(Sample(500, 10));
        recorder.FaultOn("x: Down");

        recorder.Restart();

        Assert.Equal((0, 0), (recorder.Progress.Requests, recorder.Progress.Errors));
        Assert.Empty(recorder.ToTimeline().Faults);
    }

    [Fact]
    public void ToTimeline_LongRun_KeepsAtMost600Buckets()
    {
        var time = new FakeTimeProvider();
        var recorder = new DrillRecorder(time);
        time.Advance(TimeSpan.FromMinutes(30));
        recorder.Record(Sample(200, 1));

        var timeline = recorder.ToTimeline();

        Assert.InRange(timeline.Buckets.Count, 1, 601);
        Assert.Equal(3, timeline.BucketSeconds);
    }

    private static LoadSample Sample(int status, double latencyMs) =>
        new(0, TimeSpan.Zero, TimeSpan.FromMilliseconds(latencyMs), status, LoadFailure.None, false, null);
}

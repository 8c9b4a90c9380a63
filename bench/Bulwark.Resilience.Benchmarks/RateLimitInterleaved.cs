using System.Diagnostics;
using System.Globalization;
using Bulwark.Resilience.RateLimiting;

namespace Bulwark.Resilience.Benchmarks;

/// <summary>
/// The rate-limit categories of <see cref="PipelineBenchmarks"/> (the same instance, setup and methods), interleaved:
/// each round times a block of calls of every case back to back, so that load from other processes falls on all cases
/// alike, and the fastest rounds (least disturbed) are compared. A check on BenchmarkDotNet's means on a shared machine,
/// where a case measured minutes after its peer can meet different load. Run with <c>interleaved [rounds]</c>.
/// </summary>
internal static class RateLimitInterleaved
{
    private const int CallsPerBlock = 20_000;

    public static void Run(int rounds)
    {
        var bench = new PipelineBenchmarks();
        bench.Setup();

        // Bulwark with a clock that only adds, to show what the one clock read of a decision costs.
        using var freeClock = new LocalRateLimiter(new CountingClock());
        var policies = new[]
        {
            new RateLimitPolicy { Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = 100_000_000, Window = TimeSpan.FromSeconds(1) },
            new RateLimitPolicy { Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = 100_000_000, Window = TimeSpan.FromDays(1) },
            new RateLimitPolicy { Algorithm = RateLimitAlgorithm.TokenBucket, PermitLimit = 1, Window = TimeSpan.FromHours(1) },
        };
        var keys = Enumerable.Range(0, PipelineBenchmarks.Partitions).Select(static i => $"key:{i:D5}").ToArray();
        var next = 0;
        string NextKey() => keys[next++ & (PipelineBenchmarks.Partitions - 1)];
        foreach (var key in keys)
        {
            for (var p = 0; p < policies.Length; p++)
            {
                _ = freeClock.Decide($"tier{p}", policies[p], key);
            }
        }

        var cases = new (string Name, Func<bool> Call)[]
        {
            ("Allowed STRL", bench.RateLimitAllowed_STRL_Partitioned),
            ("Allowed Bulwark", bench.RateLimitAllowed_Bulwark_Local),
            ("Allowed Bulwark, clock not read", () => freeClock.Decide("tier0", policies[0], NextKey()).IsAllowed),
            ("Draining STRL", bench.RateLimitAllowedDraining_STRL_Partitioned),
            ("Draining Bulwark", bench.RateLimitAllowedDraining_Bulwark_Local),
            ("Draining Bulwark, clock not read", () => freeClock.Decide("tier1", policies[1], NextKey()).IsAllowed),
            ("Refused STRL", bench.RateLimitRefused_STRL_Partitioned),
            ("Refused Bulwark", bench.RateLimitRefused_Bulwark_Local),
            ("Refused Bulwark, clock not read", () => freeClock.Decide("tier2", policies[2], NextKey()).IsAllowed),
        };
        var times = cases.Select(_ => new List<double>(rounds)).ToArray();
        var allowed = 0L;
        for (var round = 0; round < rounds; round++)
        {
            for (var c = 0; c < cases.Length; c++)
            {
                var call = cases[c].Call;
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < CallsPerBlock; i++)
                {
                    allowed += call() ? 1 : 0;
                }

                times[c].Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / CallsPerBlock);
            }
        }

        bench.Cleanup();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rounds} rounds of {CallsPerBlock:N0} calls per case; ns per call; ratio = Bulwark / STRL of the same statistic ({allowed} allowed)"));
        Console.WriteLine("| Case | min | p10 | median | ratio (min) | ratio (p10) | ratio (median) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        for (var c = 0; c < cases.Length; c++)
        {
            var sorted = times[c].Order().ToArray();
            var peer = times[c / 3 * 3].Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {cases[c].Name} | {sorted[0]:F1} | {P(sorted, 0.1):F1} | {P(sorted, 0.5):F1} | {sorted[0] / peer[0]:F2} | {P(sorted, 0.1) / P(peer, 0.1):F2} | {P(sorted, 0.5) / P(peer, 0.5):F2} |"));
        }
    }

    private static double P(double[] sorted, double q) => sorted[(int)(q * (sorted.Length - 1))];

    /// <summary>A clock that advances 50 ns per read and costs only a field increment.</summary>
    private sealed class CountingClock : TimeProvider
    {
        private long _now = 1_000_000_000;

        public override long TimestampFrequency => 1_000_000_000;

        public override long GetTimestamp() => _now += 50;
    }
}

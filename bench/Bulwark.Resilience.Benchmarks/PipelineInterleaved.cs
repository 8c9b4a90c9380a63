using System.Diagnostics;
using System.Globalization;

namespace Bulwark.Resilience.Benchmarks;

/// <summary>
/// The like-for-like pipeline categories of <see cref="PipelineBenchmarks"/> (the same instance, setup and methods,
/// Polly's outcome API with a pooled context), interleaved: each round times a block of calls of every case back to
/// back, so load from other processes falls on Bulwark and Polly alike. BenchmarkDotNet's ratios swung by ±0.5 on this
/// shared machine (load 60-70), where a case can meet different load minutes after its peer. Run with
/// <c>pipeline-interleaved [rounds]</c>.
/// </summary>
internal static class PipelineInterleaved
{
    private const int CallsPerBlock = 5_000;

    public static void Run(int rounds)
    {
        var bench = new PipelineBenchmarks();
        bench.Setup();
        var cases = new (string Name, Func<int> Call)[]
        {
            ("Success Polly", () => Wait(bench.Success_Polly())),
            ("Success Bulwark", () => Wait(bench.Success_Bulwark())),
            ("BreakerClosed Polly", () => Wait(bench.Breaker_Polly_FailureRatio())),
            ("BreakerClosed Bulwark (failure ratio)", () => Wait(bench.Breaker_Bulwark_FailureRatio())),
            ("OpenBreaker Polly (outcome)", () => Wait(bench.OpenBreaker_Polly_Outcome()) ? 1 : 0),
            ("OpenBreaker Bulwark (outcome)", () => Wait(bench.OpenBreaker_Bulwark_Outcome()) ? 1 : 0),
        };
        var times = cases.Select(_ => new List<double>(rounds)).ToArray();
        var sum = 0L;
        for (var round = 0; round < rounds; round++)
        {
            for (var c = 0; c < cases.Length; c++)
            {
                var call = cases[c].Call;
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < CallsPerBlock; i++)
                {
                    sum += call();
                }

                times[c].Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / CallsPerBlock);
            }
        }

        bench.Cleanup();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rounds} rounds of {CallsPerBlock:N0} calls per case; ns per call; ratio = Bulwark / Polly of the same statistic (checksum {sum})"));
        Console.WriteLine("| Case | min | p10 | median | ratio (min) | ratio (p10) | ratio (median) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        for (var c = 0; c < cases.Length; c++)
        {
            var sorted = times[c].Order().ToArray();
            var peer = times[c / 2 * 2].Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {cases[c].Name} | {sorted[0]:F1} | {P(sorted, 0.1):F1} | {P(sorted, 0.5):F1} | {sorted[0] / peer[0]:F2} | {P(sorted, 0.1) / P(peer, 0.1):F2} | {P(sorted, 0.5) / P(peer, 0.5):F2} |"));
        }
    }

    // Every case completes synchronously on these paths; waiting covers the case where one would not.
    private static T Wait<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    private static double P(double[] sorted, double q) => sorted[(int)(q * (sorted.Length - 1))];
}

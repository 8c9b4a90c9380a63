using System.Diagnostics;
using System.Globalization;

namespace Bulwark.Data.Benchmarks;

/// <summary>
/// The event store's two load scenarios with every candidate called in turn, round after round, so each sees the same
/// machine load: on a shared machine BenchmarkDotNet's one-candidate-at-a-time runs can land in different load
/// phases and turn a ratio into noise. Run with <c>-- interleaved [rounds]</c>.
/// </summary>
public partial class EventStoreBenchmarks
{
    /// <summary>Prints p25, median and mean per candidate and the median ratio to Marten.</summary>
    /// <param name="rounds">How many rounds of snapshot loads (replays run a twentieth as many).</param>
    /// <returns>A task that completes when printed.</returns>
    public static async Task RunInterleavedAsync(int rounds)
    {
        var candidates = new (string Name, IEventStoreCandidate Candidate)[]
        {
            ("Bulwark PostgreSQL", await BulwarkCandidate.CreateAsync("postgres")),
            ("Marten", await MartenCandidate.CreateAsync()),
            ("Bulwark SQLite", await BulwarkCandidate.CreateAsync("sqlite")),
        };
        try
        {
            await MeasureAsync(LoadSnapshot, candidates, c => c.LoadWithSnapshotsAsync(), rounds);
            await MeasureAsync(LoadReplay, candidates, c => c.LoadWithoutSnapshotsAsync(), Math.Max(5, rounds / 20));
        }
        finally
        {
            foreach (var (_, candidate) in candidates)
            {
                await candidate.DisposeAsync();
            }
        }
    }

    private static async Task MeasureAsync(string scenario, (string Name, IEventStoreCandidate Candidate)[] candidates, Func<IEventStoreCandidate, Task<long>> load, int rounds)
    {
        var times = candidates.Select(_ => new List<double>(rounds)).ToArray();

        // Warm-up: JIT, pools, and (for prepared statements) the first use on each pooled connection.
        for (var round = 0; round < Math.Max(3, rounds / 10); round++)
        {
            foreach (var (_, candidate) in candidates)
            {
                await load(candidate);
            }
        }

        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < candidates.Length; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await load(candidates[i].Candidate);
                times[i].Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }
        }

        var marten = Median(times[Array.FindIndex(candidates, c => c.Name == "Marten")]);
        Console.WriteLine($"{scenario}, {rounds} interleaved rounds");
        Console.WriteLine("| Candidate | p25 (µs) | Median (µs) | Mean (µs) | Median ÷ Marten |");
        Console.WriteLine("|---|---|---|---|---|");
        for (var i = 0; i < candidates.Length; i++)
        {
            var sorted = times[i].Order().ToArray();
            var median = Median(times[i]);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {candidates[i].Name} | {sorted[sorted.Length / 4]:F1} | {median:F1} | {sorted.Average():F1} | {median / marten:F2} |"));
        }

        Console.WriteLine();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}

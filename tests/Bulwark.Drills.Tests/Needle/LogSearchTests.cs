using Bulwark.Drills.Needle;

namespace Bulwark.Drills.Tests.Needle;

public sealed class LogSearchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FindAsync_ByTraceparentOrCorrelationId_ReturnsOnlyLinesWhoseFieldIsTheId()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(path,
            [
                """{"level":"info","category":"A","message":"x","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"b7ad6b7169203331","correlation_id":"c1"}""",
                """{"level":"info","category":"B","message":"mentions 4bf92f3577b34da6a3ce929d0e0e4736 in its text only"}""",
                "not json 4bf92f3577b34da6a3ce929d0e0e4736",
                """{"level":"error","category":"C","message":"y","trace_id":"0af7651916cd43dd8448eb211c80319c","correlation_id":"c1","Queue":"returns"}""",
            ], Ct);

            var byTrace = await LogSearch.FindAsync(path, "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01", Ct);
            var byCorrelation = await LogSearch.FindAsync(path, "c1", Ct);

            Assert.Equal("A", Assert.Single(byTrace).Category);
            Assert.Equal([1L, 4L], byCorrelation.Select(h => h.LineNumber));
            Assert.Equal("returns", byCorrelation[1].Fields["Queue"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task WriteAsync_Haystack_KeepsEveryRealLineInOrderAndNeverCopiesTheNeedle()
    {
        var real = Path.GetTempFileName();
        var haystack = Path.GetTempFileName();
        try
        {
            string[] lines =
            [
                """{"message":"hay","trace_id":"11111111111111111111111111111111","span_id":"2222222222222222","correlation_id":"hay"}""",
                """{"message":"needle","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"b7ad6b7169203331","correlation_id":"needle-id"}""",
            ];
            await File.WriteAllLinesAsync(real, lines, Ct);

            var written = await LogHaystack.WriteAsync(real, haystack, 5_000, ["needle-id", "4bf92f3577b34da6a3ce929d0e0e4736"], new Random(7), Ct);

            var all = await File.ReadAllLinesAsync(haystack, Ct);
            Assert.Equal(5_000, written.Lines);
            Assert.Equal(5_000, all.Length);
            Assert.Equal(2, written.RealLines);
            Assert.Single(all, l => l.Contains("needle-id", StringComparison.Ordinal));
            Assert.Single(all, l => l == lines[0]);
            Assert.True(Array.IndexOf(all, lines[0]) < Array.FindIndex(all, l => l.Contains("needle-id", StringComparison.Ordinal)));
            Assert.All(all, l => Assert.NotNull(LogSearch.Parse(1, l)));
        }
        finally
        {
            File.Delete(real);
            File.Delete(haystack);
        }
    }
}

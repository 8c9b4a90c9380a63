using System.Text.RegularExpressions;

namespace Bulwark.Drills.Needle;

/// <summary>
/// Builds the haystack: every line of the target's real log, in order, with synthetic lines between them up to the
/// size asked for. A synthetic line is a copy of a real line with fresh trace, span and correlation ids, so the search
/// cannot tell the two apart by shape or length; only the target's own lines can hold the needle's ids.
/// </summary>
public static partial class LogHaystack
{
    // The fallback template when the real log has no traced line to copy (a target that logs nearly nothing).
    private const string FallbackTemplate =
        """{"timestamp":"2026-12-06T03:00:00.0000000+00:00","level":"info","message":"Request finished HTTP/1.1 GET /api/products/1 - 200","category":"Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware","event_id":9,"trace_id":"00000000000000000000000000000000","span_id":"0000000000000000","correlation_id":"00000000000000000000000000000000","service":"Shop.Host"}""";

    /// <summary>What was written.</summary>
    /// <param name="Lines">All lines in the haystack.</param>
    /// <param name="RealLines">The target's own lines among them.</param>
    /// <param name="Bytes">The file's size.</param>
    public sealed record Written(long Lines, long RealLines, long Bytes);

    /// <summary>Writes the haystack of <paramref name="totalLines"/> (at least every real line) to <paramref name="haystackPath"/>.</summary>
    /// <param name="realLog">The target's log file.</param>
    /// <param name="haystackPath">Where to write.</param>
    /// <param name="totalLines">How many lines to reach.</param>
    /// <param name="exclude">Ids no template may carry (the needle's), so no copy of the needle is made.</param>
    /// <param name="random">The source of the synthetic ids.</param>
    /// <param name="cancellationToken">Stops the writing.</param>
    /// <returns>What was written.</returns>
    public static async Task<Written> WriteAsync(string realLog, string haystackPath, long totalLines, IReadOnlyCollection<string> exclude, Random random, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exclude);
        ArgumentNullException.ThrowIfNull(random);
        var real = await ReadSharedAsync(realLog, cancellationToken).ConfigureAwait(false);
        var templates = real.Where(l => TraceId().IsMatch(l) && !exclude.Any(id => l.Contains(id, StringComparison.Ordinal))).Take(1000).ToList();
        if (templates.Count == 0)
        {
            templates.Add(FallbackTemplate);
        }

        var noise = Math.Max(0, totalLines - real.Count);
        var perGap = real.Count == 0 ? noise : noise / (real.Count + 1);
        long written = 0;
        var stream = new FileStream(haystackPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        await using (stream.ConfigureAwait(false))
        {
            var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 20);
            await using (writer.ConfigureAwait(false))
            {
                foreach (var line in real)
                {
                    written += await WriteNoiseAsync(writer, templates, perGap, random, cancellationToken).ConfigureAwait(false);
                    await writer.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
                }

                written += await WriteNoiseAsync(writer, templates, noise - written, random, cancellationToken).ConfigureAwait(false);
            }
        }

        return new Written(written + real.Count, real.Count, new FileInfo(haystackPath).Length);
    }

    private static async Task<long> WriteNoiseAsync(StreamWriter writer, List<string> templates, long count, Random random, CancellationToken cancellationToken)
    {
        for (long i = 0; i < count; i++)
        {
            if ((i & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            await writer.WriteLineAsync(Copy(templates[random.Next(templates.Count)], random)).ConfigureAwait(false);
        }

        return Math.Max(0, count);
    }

    private static string Copy(string template, Random random)
    {
        var line = TraceId().Replace(template, m => m.Groups[1].Value + Hex(random, 16) + "\"", 1);
        line = SpanId().Replace(line, m => m.Groups[1].Value + Hex(random, 8) + "\"", 1);
        return CorrelationId().Replace(line, m => m.Groups[1].Value + Hex(random, 16) + "\"", 1);
    }

    private static string Hex(Random random, int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        random.NextBytes(buffer);
        return Convert.ToHexStringLower(buffer);
    }

    // The target is still writing its log: read what is there without blocking it.
    private static async Task<List<string>> ReadSharedAsync(string path, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Length > 0)
                {
                    lines.Add(line);
                }
            }
        }

        return lines;
    }

    [GeneratedRegex("(\"trace_id\":\")[0-9a-f]{32}\"")]
    private static partial Regex TraceId();

    [GeneratedRegex("(\"span_id\":\")[0-9a-f]{16}\"")]
    private static partial Regex SpanId();

    [GeneratedRegex("(\"correlation_id\":\")[^\"]*\"")]
    private static partial Regex CorrelationId();
}

using System.Text.Json;

namespace Bulwark.Drills.Needle;

/// <summary>One JSON log line that names the id searched for.</summary>
/// <param name="LineNumber">The 1-based line number in the file.</param>
/// <param name="Timestamp">The line's <c>timestamp</c>.</param>
/// <param name="Level">The line's <c>level</c>.</param>
/// <param name="Category">The line's <c>category</c> (the logger's name).</param>
/// <param name="Message">The rendered message.</param>
/// <param name="TraceId">The line's <c>trace_id</c>, if any.</param>
/// <param name="SpanId">The line's <c>span_id</c>, if any.</param>
/// <param name="CorrelationId">The line's <c>correlation_id</c>, if any.</param>
/// <param name="Fields">Every other string or number field (the message template's arguments and scopes).</param>
public sealed record LogHit(
    long LineNumber,
    string? Timestamp,
    string? Level,
    string? Category,
    string? Message,
    string? TraceId,
    string? SpanId,
    string? CorrelationId,
    IReadOnlyDictionary<string, string> Fields);

/// <summary>
/// Finds the lines of one request in a file of JSON log lines (<c>JsonLineFormatter</c>), by its trace id or its
/// correlation id: what <c>grep -F &lt;id&gt; shop.log | jq</c> does, without the tools. One pass, streaming: a
/// cheap substring test on every line, JSON parsing only for the few that contain the id.
/// </summary>
public static class LogSearch
{
    /// <summary>The lines whose <c>trace_id</c> or <c>correlation_id</c> is <paramref name="id"/>, in file order.</summary>
    /// <param name="path">The log file.</param>
    /// <param name="id">A 32-hex-digit trace id (or a whole <c>traceparent</c>) or a correlation id.</param>
    /// <param name="cancellationToken">Stops the search.</param>
    /// <returns>The matching lines.</returns>
    public static async Task<IReadOnlyList<LogHit>> FindAsync(string path, string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        id = Normalize(id);
        var hits = new List<LogHit>();
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, 1 << 16);
            long number = 0;
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                number++;
                if (line.Contains(id, StringComparison.Ordinal) && Parse(number, line) is { } hit
                    && (hit.TraceId == id || hit.CorrelationId == id))
                {
                    hits.Add(hit);
                }
            }
        }

        return hits;
    }

    /// <summary>A trace id out of a whole <c>traceparent</c> (<c>00-&lt;trace&gt;-&lt;span&gt;-01</c>); anything else unchanged.</summary>
    public static string Normalize(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        id = id.Trim();
        var parts = id.Split('-');
        return parts.Length == 4 && parts[0].Length == 2 && parts[1].Length == 32 ? parts[1] : id;
    }

    /// <summary>Parses one JSON log line; null when it is not one (a stack trace's continuation, a stray print).</summary>
    public static LogHit? Parse(long lineNumber, string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        try
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                {
                    fields[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }

            string? Take(string name) => fields.Remove(name, out var value) ? value : null;
            return new LogHit(lineNumber, Take("timestamp"), Take("level"), Take("category"), Take("message"), Take("trace_id"), Take("span_id"), Take("correlation_id"), fields);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

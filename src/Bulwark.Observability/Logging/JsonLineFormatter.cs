using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Bulwark.Observability.Logging;

/// <summary>
/// Writes each log entry as one line of JSON with the fields an operator greps for at 3 AM:
/// timestamp, level, message, trace and span ids, service and version. See docs/observability.md.
/// </summary>
public sealed class JsonLineFormatter : ConsoleFormatter
{
    /// <summary>The name this formatter is registered under.</summary>
    public const string FormatterName = "bulwark-json";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = false,
        // Log lines are read by people and by log shippers, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // The baggage item Bulwark.Messaging and Bulwark.AspNetCore keep the correlation id in (MessageHeaders.CorrelationBaggage);
    // spelled here because this library references neither.
    private const string CorrelationBaggage = "bulwark.correlation_id";

    private readonly TimeProvider _timeProvider;
    private readonly IOptionsMonitor<JsonLineFormatterOptions> _options;

    /// <summary>Creates the formatter.</summary>
    public JsonLineFormatter(IOptionsMonitor<JsonLineFormatterOptions> options, TimeProvider timeProvider)
        : base(FormatterName)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var options = _options.CurrentValue;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", _timeProvider.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(logEntry.LogLevel));
            json.WriteString("message", message ?? logEntry.Exception!.Message);
            json.WriteString("category", logEntry.Category);
            if (logEntry.EventId.Id != 0)
            {
                json.WriteNumber("event_id", logEntry.EventId.Id);
            }

            // State and scopes often repeat a key (HttpClient logs do); the first value written wins.
            var written = new HashSet<string>(StringComparer.Ordinal);
            var activity = Activity.Current;
            if (activity is not null)
            {
                json.WriteString("trace_id", activity.TraceId.ToHexString());
                json.WriteString("span_id", activity.SpanId.ToHexString());
                if (activity.GetBaggageItem(CorrelationBaggage) is { } correlation)
                {
                    json.WriteString("correlation_id", correlation);
                    written.Add("correlation_id");
                }
            }

            if (!string.IsNullOrEmpty(options.ServiceName))
            {
                json.WriteString("service", options.ServiceName);
            }

            if (!string.IsNullOrEmpty(options.ServiceVersion))
            {
                json.WriteString("version", options.ServiceVersion);
            }

            WriteState(json, logEntry.State, written);
            WriteScopes(json, scopeProvider, written);

            if (logEntry.Exception is not null)
            {
                json.WriteString("exception", logEntry.Exception.ToString());
            }

            json.WriteEndObject();
        }

        textWriter.Write(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write('\n');
    }

    private static void WriteState<TState>(Utf8JsonWriter json, TState state, HashSet<string> written)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> pairs)
        {
            return;
        }

        foreach (var (key, value) in pairs)
        {
            // The template itself is noise in a structured line; the rendered message is already there.
            if (key == "{OriginalFormat}" || IsReserved(key) || !written.Add(key))
            {
                continue;
            }

            WriteValue(json, key, value);
        }
    }

    private static void WriteScopes(Utf8JsonWriter json, IExternalScopeProvider? scopeProvider, HashSet<string> written)
    {
        scopeProvider?.ForEachScope(
            static (scope, state) =>
            {
                if (scope is IReadOnlyList<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (key, value) in pairs)
                    {
                        // ASP.NET's own scopes repeat trace ids under other names; the top-level fields win.
                        // A correlation_id scope (a saga run in the background, outside any span) fills the field when
                        // no span's baggage did.
                        if (key is "{OriginalFormat}" or "SpanId" or "TraceId" or "ParentId"
                            || (IsReserved(key) && key != "correlation_id")
                            || !state.Written.Add(key))
                        {
                            continue;
                        }

                        WriteValue(state.Json, key, value);
                    }
                }
            },
            (Json: json, Written: written));
    }

    private static bool IsReserved(string key) =>
        key is "timestamp" or "level" or "message" or "category" or "event_id" or "trace_id" or "span_id" or "correlation_id"
            or "service" or "version" or "exception";

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(key);
                break;
            case bool b:
                json.WriteBoolean(key, b);
                break;
            case int or long or short or byte or uint or ulong or ushort:
                json.WriteNumber(key, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                json.WriteNumber(key, Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "fatal",
        _ => "none",
    };
}

using System.Diagnostics;
using System.Text.Json;
using Bulwark.Observability.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Observability.Tests.Logging;

public sealed class JsonLineFormatterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Write_InsideActivity_EmitsOneLineWithTraceAndSpanIds()
    {
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();
        var line = Format(LogLevel.Warning, "Order {OrderId} stuck", 42);

        Assert.DoesNotContain('\n', line.TrimEnd('\n'));
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        Assert.Equal("warn", root.GetProperty("level").GetString());
        Assert.Equal("Order 42 stuck", root.GetProperty("message").GetString());
        Assert.Equal(activity.TraceId.ToHexString(), root.GetProperty("trace_id").GetString());
        Assert.Equal(activity.SpanId.ToHexString(), root.GetProperty("span_id").GetString());
        Assert.Equal(42, root.GetProperty("OrderId").GetInt64());
        Assert.Equal("shop", root.GetProperty("service").GetString());
        Assert.Equal("1.2.3", root.GetProperty("version").GetString());
        Assert.Equal(Now, root.GetProperty("timestamp").GetDateTimeOffset());
    }

    [Fact]
    public void Write_InsideAChildOfAnActivityWithACorrelationId_WritesItBesideTheTraceId()
    {
        using var request = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        request.SetBaggage("bulwark.correlation_id", "order-7-checkout");
        using var handler = new Activity("handler").SetIdFormat(ActivityIdFormat.W3C).Start();

        using var doc = JsonDocument.Parse(Format(LogLevel.Information, "Handled {OrderId}", 7));

        Assert.Equal("order-7-checkout", doc.RootElement.GetProperty("correlation_id").GetString());
        Assert.Equal(request.TraceId.ToHexString(), doc.RootElement.GetProperty("trace_id").GetString());
        Assert.Equal(handler.SpanId.ToHexString(), doc.RootElement.GetProperty("span_id").GetString());
    }

    [Fact]
    public void Write_ActivityWithoutACorrelationId_WritesNoCorrelationField()
    {
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();

        using var doc = JsonDocument.Parse(Format(LogLevel.Information, "Handled {OrderId}", 7));

        Assert.False(doc.RootElement.TryGetProperty("correlation_id", out _));
    }

    [Fact]
    public void Write_CorrelationIdInAScopeOutsideAnySpan_WritesItAsTheField()
    {
        // A saga step's retry log line, written between spans on a background loop, still names the conversation.
        var scopes = new LoggerExternalScopeProvider();
        using var scope = scopes.Push(new[] { new KeyValuePair<string, object?>("correlation_id", "order-9-checkout") });

        using var doc = JsonDocument.Parse(Format(LogLevel.Information, "Handled {OrderId}", 9, scopes: scopes));

        Assert.Equal("order-9-checkout", doc.RootElement.GetProperty("correlation_id").GetString());
    }

    [Fact]
    public void Write_CorrelationIdInBaggageAndAScope_TheSpansWins()
    {
        using var request = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        request.SetBaggage("bulwark.correlation_id", "from-baggage");
        var scopes = new LoggerExternalScopeProvider();
        using var scope = scopes.Push(new[] { new KeyValuePair<string, object?>("correlation_id", "from-scope") });

        var line = Format(LogLevel.Information, "Handled {OrderId}", 9, scopes: scopes);

        using var doc = JsonDocument.Parse(line);
        Assert.Equal("from-baggage", doc.RootElement.GetProperty("correlation_id").GetString());
        Assert.DoesNotContain("from-scope", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_WithException_KeepsStackOnTheSameLine()
    {
        var error = CaptureThrown();
        var line = Format(LogLevel.Error, "boom", null, error);

        using var doc = JsonDocument.Parse(line);
        Assert.Contains("InvalidOperationException", doc.RootElement.GetProperty("exception").GetString(), StringComparison.Ordinal);
        Assert.Single(line.TrimEnd('\n').Split('\n'));
    }

    private static string Format(LogLevel level, string template, object? arg, Exception? exception = null, IExternalScopeProvider? scopes = null)
    {
        var options = new JsonLineFormatterOptions { ServiceName = "shop", ServiceVersion = "1.2.3" };
        var formatter = new JsonLineFormatter(new StaticMonitor(options), new FakeTimeProvider(Now));
        var state = new LogValues(template, arg);
        using var writer = new StringWriter();
        formatter.Write(new LogEntry<LogValues>(level, "Test", new EventId(7), state, exception, (s, _) => s.ToString()), scopes, writer);
        return writer.ToString();
    }

    private static InvalidOperationException CaptureThrown()
    {
        try
        {
            throw new InvalidOperationException("nope");
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }

    private sealed class LogValues(string template, object? arg) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 2;

        public KeyValuePair<string, object?> this[int index] => index == 0
            ? new("OrderId", arg)
            : new("{OriginalFormat}", template);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => template.Replace("{OrderId}", Convert.ToString(arg, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private sealed class StaticMonitor(JsonLineFormatterOptions value) : IOptionsMonitor<JsonLineFormatterOptions>
    {
        public JsonLineFormatterOptions CurrentValue => value;

        public JsonLineFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<JsonLineFormatterOptions, string?> listener) => null;
    }
}

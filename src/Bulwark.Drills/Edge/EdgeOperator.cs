using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Drills.Model;
using Bulwark.Drills.Targets;

namespace Bulwark.Drills.Edge;

/// <summary>
/// The edge's release endpoints (<c>/edge/release...</c>) as the edge drills call them, with the operator key from the
/// drill's default headers (<c>--api-key</c>).
/// </summary>
internal sealed class EdgeOperator : IDisposable
{
    private readonly HttpClient _client;
    private readonly IReadOnlyDictionary<string, string> _headers;
    private readonly TimeProvider _time;

    public EdgeOperator(DrillContext context, TimeSpan timeout)
    {
        _client = LoopbackHttp.CreateClient(context.Target, timeout);
        _headers = context.DefaultHeaders;
        _time = context.TimeProvider;
    }

    /// <summary><c>GET /edge/release</c>: state, windows, blast radius, decisions.</summary>
    /// <exception cref="DrillPreconditionException">The edge does not answer it.</exception>
    public async Task<JsonElement> ReleaseAsync(CancellationToken cancellationToken)
    {
        var answer = await SendAsync(HttpMethod.Get, "/edge/release", null, cancellationToken).ConfigureAwait(false);
        return answer.Status == 200 && answer.Body is { } body
            ? body
            : throw new DrillPreconditionException($"GET /edge/release answered {answer.Status}; is the target the edge, and did you pass its operator key with --api-key?");
    }

    /// <summary>Sends an operator command and times it; a refused connection is a precondition failure.</summary>
    public async Task<OperatorAnswer> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        foreach (var (name, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var started = _time.GetTimestamp();
        try
        {
            using var response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var elapsed = _time.GetElapsedTime(started);
            JsonElement? json = null;
            if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
            {
                using var document = JsonDocument.Parse(text);
                json = document.RootElement.Clone();
            }

            return new OperatorAnswer((int)response.StatusCode, json, elapsed);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new DrillPreconditionException($"The edge at {_client.BaseAddress} does not answer {method} {path} ({e.Message}); is it running? e.g. bash deploy/edge/start.sh green", e);
        }
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>One operator command's answer.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The JSON body (a result or a problem), if any.</param>
/// <param name="Elapsed">How long the command took, as the operator saw it.</param>
internal sealed record OperatorAnswer(int Status, JsonElement? Body, TimeSpan Elapsed)
{
    /// <summary>The problem's detail or the result's detail, for reports.</summary>
    public string Detail => Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("detail", out var d) ? d.GetString() ?? string.Empty : string.Empty;
}

/// <summary>Reads a switch result's drain report.</summary>
internal static class DrainReading
{
    /// <summary>(drained, still in flight) from a switch's answer; (false, -1) when the answer has no drain report.</summary>
    public static (bool Drained, long InFlight) From(OperatorAnswer answer) =>
        answer.Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("drain", out var drain) && drain.ValueKind == JsonValueKind.Object
            ? (drain.GetProperty("drained").GetBoolean(), drain.GetProperty("inFlight").GetInt64())
            : (false, -1);
}

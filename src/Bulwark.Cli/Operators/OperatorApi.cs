using System.Net;
using System.Text.Json;

namespace Bulwark.Cli.Operators;

/// <summary>
/// What the operator commands (<c>dlq</c>, <c>edge</c>) share about the admin API they drive: the operator key never
/// goes to another machine in clear text, it travels as <c>X-Api-Key</c>, a refusal becomes a message naming the fix,
/// and the exit code says whether the service refused (1) or the call could not be made (2).
/// </summary>
internal static class OperatorApi
{
    /// <summary>A client for <paramref name="target"/> carrying <paramref name="apiKey"/>.</summary>
    /// <param name="option">The option that named the target, for the messages (e.g. <c>--target</c>).</param>
    /// <param name="target">The service's base URL.</param>
    /// <param name="example">A valid value, for the message when the target is not a URL.</param>
    /// <param name="apiKey">The operator key, or <see langword="null"/> to send none.</param>
    /// <param name="timeout">How long one call may take.</param>
    /// <exception cref="UsageException">The target is not an http(s) URL, or is plain http to another machine.</exception>
    public static HttpClient CreateClient(string option, string target, string example, string? apiKey, TimeSpan timeout)
    {
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"{option} '{target}' is not an http(s) URL; e.g. {option} {example}.");
        }

        if (uri.Scheme == "http" && !uri.IsLoopback)
        {
            throw new UsageException($"{option} {target} is plain http to another machine: the operator key would travel in clear text. Use https.");
        }

        var http = new HttpClient { BaseAddress = uri, Timeout = timeout };
        if (!string.IsNullOrEmpty(apiKey))
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return http;
    }

    /// <summary>The failure of a call that got no answer.</summary>
    /// <param name="http">The client.</param>
    /// <param name="exception">Why.</param>
    /// <param name="hint">What to check, e.g. whether the service runs.</param>
    public static RefusedException Unanswered(HttpClient http, HttpRequestException exception, string hint) =>
        new(0, $"{http.BaseAddress} does not answer ({exception.Message}); {hint}");

    /// <summary>The answer's JSON body, or the refusal as a <see cref="RefusedException"/>.</summary>
    /// <param name="response">The answer.</param>
    /// <param name="method">The request's method, for the message.</param>
    /// <param name="path">The request's path, for the message.</param>
    /// <param name="keyFix">How to pass the key, added to a 401 or 403.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<JsonDocument> ReadAsync(HttpResponseMessage response, string method, string path, string keyFix, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return JsonDocument.Parse(body);
        }

        var message = $"{(int)response.StatusCode} from {method} {path}: {Detail(body)}";
        throw new RefusedException(
            response.StatusCode,
            response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? $"{message} {keyFix}" : message);
    }

    /// <summary>Runs one operator command and turns its failure into a message and an exit code.</summary>
    /// <param name="error">Where failures are written.</param>
    /// <param name="action">The command.</param>
    /// <param name="isDecision">Which refusals are the service's answer to the command (exit 1) rather than a call that could not be made (exit 2).</param>
    public static async Task<int> RunAsync(TextWriter error, Func<Task> action, Func<HttpStatusCode, bool> isDecision)
    {
        try
        {
            await action().ConfigureAwait(false);
            return ExitCodes.Passed;
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return ExitCodes.InconclusiveOrUsage;
        }
        catch (RefusedException e)
        {
            await error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return isDecision(e.Status) ? ExitCodes.Failed : ExitCodes.InconclusiveOrUsage;
        }
    }

    /// <summary>Shortens <paramref name="text"/> to <paramref name="max"/> characters, marking the cut.</summary>
    public static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Detail(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body.Length == 0 ? "(no body)" : Shorten(body, 200);
        }
    }

    /// <summary>The service refused a call (its status), or did not answer (status 0); the message names the fix.</summary>
    public sealed class RefusedException(HttpStatusCode status, string message) : Exception(message)
    {
        /// <summary>The answer's status, or 0 when there was none.</summary>
        public HttpStatusCode Status { get; } = status;
    }
}

using System.Globalization;

namespace Shop.Infrastructure.ServiceClients;

/// <summary>
/// A call another service did not answer within its client's <see cref="HttpClient.Timeout"/>. HttpClient ends such a
/// call as a cancellation the caller never asked for; left as it is, it escapes an endpoint as a 500 (CI saw it with a
/// cold reviews service under load). Callers catch it (<c>when</c> their own token is not cancelled) and answer with this.
/// </summary>
public static class ServiceCallTimeout
{
    /// <summary>What happened, naming the setting that sets the limit.</summary>
    /// <param name="service">Who did not answer, as the sentence starts (<c>The reviews service</c>).</param>
    /// <param name="http">The client whose timeout ran out.</param>
    /// <param name="setting">The setting of the timeout (<c>Shop:Reviews:Timeout</c>).</param>
    /// <returns>The message.</returns>
    public static string Describe(string service, HttpClient http, string setting)
    {
        ArgumentNullException.ThrowIfNull(http);
        return string.Create(CultureInfo.InvariantCulture, $"{service} did not answer within {http.Timeout.TotalSeconds:0.###} s ({setting}).");
    }

    /// <summary>The call's failure as the <see cref="HttpRequestException"/> callers of a remote contract handle.</summary>
    /// <param name="service">Who did not answer, as the sentence starts.</param>
    /// <param name="http">The client whose timeout ran out.</param>
    /// <param name="setting">The setting of the timeout.</param>
    /// <param name="cancelled">The cancellation HttpClient raised.</param>
    /// <returns>The exception to throw.</returns>
    public static HttpRequestException Exceeded(string service, HttpClient http, string setting, OperationCanceledException cancelled) =>
        new(HttpRequestError.Unknown, Describe(service, http, setting), cancelled);
}

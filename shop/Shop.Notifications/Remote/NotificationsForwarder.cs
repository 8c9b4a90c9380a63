using System.Net.Http.Headers;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Shop.Infrastructure.Admin;
using Shop.Infrastructure.ServiceClients;

namespace Shop.Notifications.Remote;

/// <summary>
/// The shop's <c>GET /api/notifications</c> when the module runs in its own process: the shop has already checked the
/// caller (customer token or operator key); the same credentials go on to the service, which checks them again with the
/// same rules and answers from its own tables. The answer (status and JSON) comes back as the service gave it; a service
/// that cannot be reached or does not answer within <c>Shop:Notifications:Timeout</c> is a 503 problem.
/// </summary>
internal sealed class NotificationsForwarder(HttpClient http, IOptionsMonitor<ShopAdminOptions> admin)
{
    // A page of mail is small (Page caps its size); an answer past this is not one, and is refused rather than buffered.
    internal const int MaxAnswerBytes = 1024 * 1024;

    public async Task<IResult> ForwardAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, new Uri("api/notifications" + request.QueryString.Value, UriKind.Relative));
        if (request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
        {
            forwarded.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }

        var header = admin.CurrentValue.HeaderName;
        if (request.Headers[header].ToString() is { Length: > 0 } key)
        {
            forwarded.Headers.Add(header, key);
        }

        try
        {
            using var answer = await http.SendAsync(forwarded, cancellationToken);
            var body = await answer.Content.ReadAsStringAsync(cancellationToken);
            return Results.Text(body, answer.Content.Headers.ContentType?.ToString() ?? "application/json", statusCode: (int)answer.StatusCode);
        }
        catch (HttpRequestException e)
        {
            return Unavailable(e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Unavailable(ServiceCallTimeout.Describe("The notifications service", http, "Shop:Notifications:Timeout"));
        }
    }

    private static ProblemHttpResult Unavailable(string detail) =>
        ProblemResults.Create(StatusCodes.Status503ServiceUnavailable, "Notifications are unavailable", detail);
}

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Infrastructure.Admin;

namespace Shop.Infrastructure.Auth;

/// <summary>
/// Authenticates operators by an admin key in <c>X-Api-Key</c>: no key → no result, an admin key → an operator principal,
/// any other key → failure (a partner's rate-limit key is not an operator). Digests are compared in constant time.
/// </summary>
internal sealed class OperatorKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<ShopAdminOptions> admin)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var settings = admin.CurrentValue;
        var presented = Request.Headers[settings.HeaderName].ToString();
        if (presented.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (FindKey(presented, settings.ApiKeys) is not { } fingerprint)
        {
            return Task.FromResult(AuthenticateResult.Fail("Not an admin key."));
        }

        // The name is a fingerprint of the key, never the key: it scopes idempotency keys and rate limits per operator key.
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, "operator:" + fingerprint), new Claim(ClaimTypes.Role, ShopAuth.OperatorRole)],
            Scheme.Name, ClaimTypes.NameIdentifier, ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var settings = admin.CurrentValue;
        if (Request.Headers[settings.HeaderName].ToString().Length > 0 && !IsOperatorEndpoint(Context))
        {
            // A partner's (rate-limit) key on a customer endpoint: the caller still has to sign in.
            Response.Headers.WWWAuthenticate = "Bearer";
            return Write(StatusCodes.Status401Unauthorized,
                "Sign in first (POST /api/users/sign-in) and send the token as 'Authorization: Bearer <token>'; an API key is not a customer.");
        }

        if (Request.Headers[settings.HeaderName].ToString().Length > 0)
        {
            return Write(StatusCodes.Status403Forbidden, settings.ApiKeys.Count == 0
                ? $"No admin keys are configured; add one to {ShopAdminOptions.SectionName}:ApiKeys."
                : "This key may not use operator endpoints.");
        }

        Response.Headers.WWWAuthenticate = $"ApiKey header=\"{settings.HeaderName}\"";
        return Write(StatusCodes.Status401Unauthorized,
            $"This is an operator endpoint: send an admin key in the {settings.HeaderName} header (configured in {ShopAdminOptions.SectionName}:ApiKeys).");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Write(StatusCodes.Status403Forbidden, "This key may not use this endpoint.");

    private static bool IsOperatorEndpoint(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == ShopAuth.OperatorPolicy) == true;

    private Task Write(int status, string detail) =>
        ProblemResults.Create(status, status == StatusCodes.Status401Unauthorized ? "Unauthorized" : "Forbidden", detail).ExecuteAsync(Context);

    // Every configured key is compared, so neither a key's content nor its position leaks through timing.
    private static string? FindKey(string presented, IList<string> keys)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var match = false;
        foreach (var key in keys)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        return match ? Convert.ToHexStringLower(digest.AsSpan(0, 8)) : null;
    }
}

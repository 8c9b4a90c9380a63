using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Idempotency;

/// <summary>Names the caller a key belongs to, so two clients using the same key never see each other's responses.</summary>
public interface IIdempotencyCallerAccessor
{
    /// <summary>Returns a stable id of the caller of <paramref name="context"/>.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The caller id (never a raw secret).</returns>
    string GetCallerId(HttpContext context);
}

/// <summary>
/// The default caller id: the authenticated user (whom authentication vouched for), else the hashed API key header (for
/// apps that authenticate by key outside ASP.NET Core authentication), else <c>anonymous</c>. An authenticated caller's
/// scope never depends on a header it could change.
/// </summary>
internal sealed class DefaultIdempotencyCallerAccessor(IOptionsMonitor<IdempotencyOptions> options) : IIdempotencyCallerAccessor
{
    public string GetCallerId(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            return "user:" + (user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.Identity.Name ?? "unnamed");
        }

        var apiKey = context.Request.Headers[options.CurrentValue.ApiKeyHeaderName].ToString();
        if (apiKey.Length > 0)
        {
            // Hashed: the store must not become a list of API keys.
            return "key:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
        }

        return "anonymous";
    }
}

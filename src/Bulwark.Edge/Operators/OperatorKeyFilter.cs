using System.Security.Cryptography;
using System.Text;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.Edge.Operators;

/// <summary>
/// Lets a request through to an operator endpoint only with a configured key: none → 401, a wrong one → 403.
/// Digests are compared in constant time against every key, so neither content nor position leaks through timing.
/// </summary>
internal static class OperatorKeyFilter
{
    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var settings = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<EdgeOptions>>().CurrentValue.Operator;
        var presented = context.HttpContext.Request.Headers[settings.HeaderName].ToString();
        if (presented.Length == 0)
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{settings.HeaderName}\"";
            return ProblemResults.Unauthorized($"This is an operator endpoint: send a key in the {settings.HeaderName} header (configured in Edge:Operator:ApiKeys).");
        }

        return Matches(presented, settings.ApiKeys)
            ? await next(context).ConfigureAwait(false)
            : ProblemResults.Forbidden(settings.ApiKeys.Count == 0
                ? "No operator keys are configured; add one to Edge:Operator:ApiKeys."
                : "This key may not use the edge's operator endpoints.");
    }

    internal static bool Matches(string presented, IReadOnlyList<string> keys)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var match = false;
        foreach (var key in keys)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        return match;
    }
}

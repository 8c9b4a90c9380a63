using System.Security.Cryptography;
using System.Text;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Shop.Infrastructure.Admin;

/// <summary>Operator endpoints take an admin API key: missing → 401, not an admin key → 403, both as problem details.</summary>
public static class ShopAdminEndpointExtensions
{
    /// <summary>Binds <see cref="ShopAdminOptions"/> from <c>Shop:Admin</c>, validated at start.</summary>
    public static IServiceCollection AddShopAdmin(this IServiceCollection services)
    {
        services.AddOptions<ShopAdminOptions>().BindConfiguration(ShopAdminOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>Lets only callers with one of <see cref="ShopAdminOptions.ApiKeys"/> through.</summary>
    public static TBuilder RequireShopAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<ShopAdminOptions>>().CurrentValue;
            var presented = context.HttpContext.Request.Headers[options.HeaderName].ToString();
            if (presented.Length == 0)
            {
                context.HttpContext.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{options.HeaderName}\"";
                return ProblemResults.Unauthorized($"This is an operator endpoint: send an admin key in the {options.HeaderName} header (configured in {ShopAdminOptions.SectionName}:ApiKeys).");
            }

            if (!IsAdminKey(presented, options.ApiKeys))
            {
                return ProblemResults.Forbidden(options.ApiKeys.Count == 0
                    ? $"No admin keys are configured; add one to {ShopAdminOptions.SectionName}:ApiKeys."
                    : "This key may not use operator endpoints.");
            }

            return await next(context);
        });
        return builder;
    }

    // Compares digests in constant time, so neither a key's content nor its length leaks through response timing.
    private static bool IsAdminKey(string presented, IList<string> keys)
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

using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;
using Shop.Infrastructure.Admin;

namespace Shop.Infrastructure.Auth;

/// <summary>Registers who may call the shop: customers by token, operators by admin key (docs/security.md).</summary>
public static class ShopAuthServiceCollectionExtensions
{
    /// <summary>
    /// Adds ASP.NET Core authentication (JWT bearer for customers, an admin-key scheme for operators, one default
    /// scheme that picks between them by the headers sent), the shop's three policies and <see cref="CustomerTokens"/>.
    /// </summary>
    public static IServiceCollection AddShopAuth(this IServiceCollection services)
    {
        services.AddShopAdmin();
        services.AddOptions<ShopAuthOptions>().BindConfiguration(ShopAuthOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CustomerTokens>();

        services.AddAuthentication(ShopAuth.DefaultScheme)
            .AddPolicyScheme(ShopAuth.DefaultScheme, "Customer token or operator key", o => o.ForwardDefaultSelector = SelectScheme)
            .AddJwtBearer(ShopAuth.CustomerScheme)
            .AddScheme<AuthenticationSchemeOptions, OperatorKeyHandler>(ShopAuth.OperatorScheme, null);
        services.AddOptions<JwtBearerOptions>(ShopAuth.CustomerScheme)
            .Configure<IOptions<ShopAuthOptions>, TimeProvider>((jwt, auth, clock) => Configure(jwt, auth.Value, clock));

        services.AddAuthorizationBuilder()
            .AddPolicy(ShopAuth.CustomerPolicy, p => p.RequireClaim(ShopAuth.CustomerIdClaim))
            .AddPolicy(ShopAuth.OperatorPolicy, p => p.RequireRole(ShopAuth.OperatorRole))
            .AddPolicy(ShopAuth.CustomerOrOperatorPolicy, p => p.RequireAuthenticatedUser());
        return services;
    }

    /// <summary>Only a signed-in customer (token) may call; anonymous → 401, an operator key alone → 403.</summary>
    public static TBuilder RequireCustomer<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(ShopAuth.CustomerPolicy);

    /// <summary>A signed-in customer or an operator may call; the handler checks ownership with <see cref="ShopCaller.MaySee"/>.</summary>
    public static TBuilder RequireCustomerOrOperator<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(ShopAuth.CustomerOrOperatorPolicy);

    // A bearer token means a customer; otherwise an API key header means an operator (or a refused key); otherwise the
    // customer scheme answers the challenge, telling the caller to sign in.
    private static string SelectScheme(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return ShopAuth.CustomerScheme;
        }

        var header = context.RequestServices.GetRequiredService<IOptionsMonitor<ShopAdminOptions>>().CurrentValue.HeaderName;
        return context.Request.Headers.ContainsKey(header) ? ShopAuth.OperatorScheme : ShopAuth.CustomerScheme;
    }

    private static void Configure(JwtBearerOptions jwt, ShopAuthOptions auth, TimeProvider clock)
    {
        jwt.MapInboundClaims = false;
        jwt.TimeProvider = clock;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            IssuerSigningKey = CustomerTokens.SigningKey(auth),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            NameClaimType = ShopAuth.CustomerIdClaim,
            ClockSkew = TimeSpan.Zero,
            // Lifetimes are checked against the host's TimeProvider (tests run the shop on a fake clock), with 30 s of
            // skew for instances whose clocks drift apart.
            LifetimeValidator = (notBefore, expires, _, _) =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                var skew = TimeSpan.FromSeconds(30);
                return (notBefore is null || notBefore.Value <= now + skew) && expires is not null && expires.Value > now - skew;
            },
        };
        jwt.Events = new JwtBearerEvents
        {
            OnChallenge = async context =>
            {
                context.HandleResponse();
                context.Response.Headers[HeaderNames.WWWAuthenticate] = context.AuthenticateFailure is null
                    ? "Bearer"
                    : "Bearer error=\"invalid_token\"";
                var detail = context.AuthenticateFailure is null
                    ? "Sign in first (POST /api/users/sign-in) and send the token as 'Authorization: Bearer <token>'; operator endpoints take an admin key in X-Api-Key."
                    : "The access token is invalid or expired; sign in again (POST /api/users/sign-in).";
                await ProblemResults.Unauthorized(detail).ExecuteAsync(context.HttpContext);
            },
            OnForbidden = context =>
                ProblemResults.Forbidden("Customers may not use this endpoint; it needs an operator's admin key.").ExecuteAsync(context.HttpContext),
        };
    }
}

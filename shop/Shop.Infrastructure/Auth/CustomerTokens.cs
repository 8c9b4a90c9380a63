using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Shop.Infrastructure.Auth;

/// <summary>An access token and how long it lives.</summary>
public sealed record AccessToken(string Token, TimeSpan ExpiresIn);

/// <summary>Issues customers' access tokens (JWT, HMAC-SHA256 with <see cref="ShopAuthOptions.SigningKey"/>).</summary>
public sealed class CustomerTokens(IOptions<ShopAuthOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>Issues a token naming <paramref name="customerId"/> as its subject.</summary>
    public AccessToken Issue(Guid customerId)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity([new Claim(ShopAuth.CustomerIdClaim, customerId.ToString())]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.TokenLifetime,
            SigningCredentials = new SigningCredentials(SigningKey(settings), SecurityAlgorithms.HmacSha256),
        });
        return new AccessToken(token, settings.TokenLifetime);
    }

    internal static SymmetricSecurityKey SigningKey(ShopAuthOptions settings) => new(Encoding.UTF8.GetBytes(settings.SigningKey));
}

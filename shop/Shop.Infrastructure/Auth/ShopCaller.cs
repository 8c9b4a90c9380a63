using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Shop.Infrastructure.Auth;

/// <summary>
/// Who is calling, as a handler parameter: a customer (from the token), an operator (admin key) or nobody. Customer
/// resources answer only to their owner; a handler asks <see cref="MaySee"/> and answers 404 otherwise, never a hint.
/// </summary>
public sealed record ShopCaller(Guid? CustomerId, bool IsOperator)
{
    /// <summary>Nobody signed in.</summary>
    public static readonly ShopCaller Anonymous = new(null, false);

    /// <summary>Whether the caller may see or act on a resource owned by <paramref name="ownerId"/>.</summary>
    public bool MaySee(Guid? ownerId) => IsOperator || (CustomerId is { } me && ownerId == me);

    /// <summary>The caller of a request, from its authenticated principal.</summary>
    public static ShopCaller From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true)
        {
            return Anonymous;
        }

        if (user.IsInRole(ShopAuth.OperatorRole))
        {
            return new ShopCaller(null, true);
        }

        return Guid.TryParse(user.FindFirstValue(ShopAuth.CustomerIdClaim), out var id) ? new ShopCaller(id, false) : Anonymous;
    }

    /// <summary>Minimal API binding: a handler takes <c>ShopCaller caller</c> and gets the request's caller.</summary>
    public static ValueTask<ShopCaller?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        _ = parameter;
        return ValueTask.FromResult<ShopCaller?>(From(context.User));
    }
}

namespace Shop.Infrastructure.Auth;

/// <summary>The names the shop's authentication and authorization are registered under.</summary>
public static class ShopAuth
{
    /// <summary>The default scheme: picks <see cref="CustomerScheme"/> or <see cref="OperatorScheme"/> by the headers sent.</summary>
    public const string DefaultScheme = "shop";

    /// <summary>Customers: a JWT in <c>Authorization: Bearer</c>, issued by sign-in.</summary>
    public const string CustomerScheme = "customer";

    /// <summary>Operators: an admin key in <c>X-Api-Key</c> (<c>Shop:Admin:ApiKeys</c>).</summary>
    public const string OperatorScheme = "operator";

    /// <summary>The role an operator principal carries.</summary>
    public const string OperatorRole = "operator";

    /// <summary>The claim that carries the customer's id (the Identity user id).</summary>
    public const string CustomerIdClaim = "sub";

    /// <summary>Policy: a signed-in customer.</summary>
    public const string CustomerPolicy = "shop-customer";

    /// <summary>Policy: an operator (admin key).</summary>
    public const string OperatorPolicy = "shop-operator";

    /// <summary>Policy: a signed-in customer or an operator; the handler then checks ownership (<see cref="ShopCaller"/>).</summary>
    public const string CustomerOrOperatorPolicy = "shop-customer-or-operator";
}

using Bulwark.ShopClient.Generated;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace Bulwark.ShopClient;

/// <summary>
/// Shop addresses taken from the generated client rather than built as strings, for callers that need a path and not
/// a call: option defaults and the load generator's requests, which send raw at a measured rate.
/// </summary>
public static class ShopPaths
{
    private const string Root = "http://127.0.0.1";

    // Never sends: it only resolves the request builders' URI templates against a placeholder root.
    private static readonly ShopApiClient Addresses = new(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider())
    {
        BaseUrl = Root,
    });

    /// <summary>The path and query the request addresses, e.g. <c>ShopPaths.Of(c =&gt; c.Api.Products["7"].ToGetRequestInformation())</c>.</summary>
    public static string Of(Func<ShopApiClient, RequestInformation> request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var information = request(Addresses);
        // The document names a relative server ("/"), so the generated client leaves the root to the adapter, which
        // fills it in only when it sends; a path alone needs some root to resolve against.
        information.PathParameters.TryAdd("baseurl", Root);
        return information.URI.PathAndQuery;
    }

    /// <summary><c>GET /health/live</c>: the process answers.</summary>
    public static string Live => Of(c => c.Health.Live.ToGetRequestInformation());

    /// <summary><c>GET /health/ready</c>: the shop can serve.</summary>
    public static string Ready => Of(c => c.Health.Ready.ToGetRequestInformation());

    /// <summary><c>GET /api/products</c>, optionally with a page size.</summary>
    public static string Products(int? pageSize = null) =>
        Of(c => c.Api.Products.ToGetRequestInformation(r => r.QueryParameters.PageSize = pageSize?.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary><c>GET /api/products/{id}</c>.</summary>
    public static string Product(int id) => Of(c => c.Api.Products[id.ToString(System.Globalization.CultureInfo.InvariantCulture)].ToGetRequestInformation());

    /// <summary><c>POST /api/payments/charges</c> (operator).</summary>
    public static string Charges => Of(c => c.Api.Payments.Charges.ToPostRequestInformation(new Generated.Models.PaymentChargeBody()));

    /// <summary><c>POST /api/orders</c>.</summary>
    public static string Orders => Of(c => c.Api.Orders.ToPostRequestInformation(new Generated.Models.OrdersPlaceOrder()));

    /// <summary><c>POST /api/users</c> (sign-up).</summary>
    public static string Users => Of(c => c.Api.Users.ToPostRequestInformation(new Generated.Models.IdentitySignUp()));

    /// <summary><c>POST /api/users/sign-in</c>.</summary>
    public static string SignIn => Of(c => c.Api.Users.SignIn.ToPostRequestInformation(new Generated.Models.IdentitySignInBody()));
}

using System.ComponentModel.DataAnnotations;
using Bulwark.ShopClient;

namespace Bulwark.Drills.DoubleClick;

/// <summary>Options of the <see cref="DoubleClickDrill"/>.</summary>
public sealed class DoubleClickOptions
{
    /// <summary>The unsafe endpoint that must be idempotent.</summary>
    /// <value>The default value is <c>/api/orders</c>.</value>
    [Required]
    public string Path { get; set; } = ShopPaths.Orders;

    /// <summary>The JSON body sent by every copy.</summary>
    /// <value>The default value is an order of one unit of product 1 paid with <c>tok_visa</c>.</value>
    [Required]
    public string Json { get; set; } =
        """{"items":[{"productId":1,"quantity":1}],"cardToken":"tok_visa","shippingPostcode":"10115"}""";

    /// <summary>The same JSON with one field changed: reusing the key with it must be refused (422).</summary>
    /// <value>The default value is the default order with quantity 2.</value>
    [Required]
    public string OtherJson { get; set; } =
        """{"items":[{"productId":1,"quantity":2}],"cardToken":"tok_visa","shippingPostcode":"10115"}""";

    /// <summary>
    /// Where the drill signs up a fresh customer before the burst (JSON <c>email</c>, <c>displayName</c>, <c>password</c>);
    /// empty for a target whose endpoint needs no customer.
    /// </summary>
    /// <value>The default value is <c>/api/users</c>.</value>
    public string SignUpPath { get; set; } = ShopPaths.Users;

    /// <summary>Where that customer signs in; the answer's <c>accessToken</c> is sent as <c>Authorization: Bearer</c>.</summary>
    /// <value>The default value is <c>/api/users/sign-in</c>.</value>
    public string SignInPath { get; set; } = ShopPaths.SignIn;

    /// <summary>How many identical requests are fired at once (the Codex: 10 in 10 ms).</summary>
    /// <value>The default value is 10.</value>
    [Range(2, 200)]
    public int Copies { get; set; } = 10;

    /// <summary>The header carrying the idempotency key.</summary>
    /// <value>The default value is <c>Idempotency-Key</c>.</value>
    [Required]
    public string KeyHeader { get; set; } = "Idempotency-Key";

    /// <summary>How long the drill waits for the dependency to settle before counting its requests.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SettleFor { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The drill's own client gives up on a request after this.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);
}

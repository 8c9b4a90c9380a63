using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shop.Payments.Api;
using Shop.Payments.Contracts;
using Shop.Payments.Provider;

namespace Shop.Payments;

/// <summary>The Payments module's one entry point: its services and its endpoints.</summary>
public static class PaymentsModule
{
    /// <summary>The name of the payment provider's HttpClient, for adding handlers to it.</summary>
    public const string ProviderClientName = "payment-provider";

    /// <summary>Registers <see cref="IPaymentsApi"/> over the payment provider's HTTP API.</summary>
    public static IHttpClientBuilder AddPaymentsModule(this IServiceCollection services)
    {
        services.AddOptions<PaymentProviderOptions>().BindConfiguration(PaymentProviderOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return services.AddHttpClient<IPaymentsApi, PaymentProviderClient>(ProviderClientName, (sp, http) =>
        {
            var baseUrl = sp.GetRequiredService<IOptions<PaymentProviderOptions>>().Value.PaymentProviderUrl;
            http.BaseAddress = new Uri(baseUrl, "/");
        });
    }

    /// <summary>Maps <c>/api/payments</c>.</summary>
    public static IEndpointRouteBuilder MapPaymentsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        PaymentEndpoints.Map(endpoints);
        return endpoints;
    }
}

using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Infrastructure.Sqlite;
using Microsoft.Extensions.Options;
using Shop.Payments.Acquirer;
using Shop.Payments.Api;
using Shop.Payments.Contracts;
using Shop.Payments.Provider;
using Shop.Payments.Reconciliation;

namespace Shop.Payments;

/// <summary>The Payments module's one entry point: its services and its endpoints.</summary>
public static class PaymentsModule
{
    /// <summary>The name of the payment provider's HttpClient, for adding handlers to it.</summary>
    public const string ProviderClientName = "payment-provider";

    /// <summary>The module's name, also the prefix of its tables.</summary>
    public const string Name = "payments";

    /// <summary>
    /// Registers <see cref="IPaymentsApi"/> over the HTTP API of the vendor <c>Shop:Payments:Provider</c> names
    /// (<c>PaymentProvider</c>, the default, or <c>Acquirer</c>), the reconciliation table
    /// (<c>payments_reconciliations</c> in the shop database) and the background reconciler of charges whose outcome
    /// is unknown (<c>Shop:Payments:Reconciliation</c>).
    /// </summary>
    public static IHttpClientBuilder AddPaymentsModule(this IServiceCollection services)
    {
        services.AddOptions<PaymentProviderOptions>().BindConfiguration(PaymentProviderOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddModuleDatabase(Name, PaymentsMigrations.All, db => new PaymentsDatabase(db));
        services.AddMetrics();
        services.TryAddSingleton<ReconciliationStore>();
        services.TryAddSingleton<ReconciliationMetrics>();
        services.TryAddSingleton<ChargeReconciliation>();
        services.AddHostedService<ChargeReconciler>();
        services.TryAddTransient<IPaymentsApi, ProviderPayments>();
        return services.AddPaymentGateway();
    }

    /// <summary>
    /// The vendor adapter <c>Shop:Payments:Provider</c> names, over one HttpClient whose handlers (resilience) the host
    /// adds to whatever vendor is chosen. Switching vendors is this setting and the vendor's address; no caller changes.
    /// </summary>
    private static IHttpClientBuilder AddPaymentGateway(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<PaymentsOptions>().BindConfiguration(PaymentsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddTransient<IPaymentGateway>(sp =>
        {
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(ProviderClientName);
            var time = sp.GetRequiredService<TimeProvider>();
            var options = sp.GetRequiredService<IOptions<PaymentsOptions>>().Value;
            return options.Provider switch
            {
                PaymentProviderKind.Acquirer => new AcquirerClient(http, options.Acquirer, time),
                _ => new PaymentProviderClient(http, time),
            };
        });
        return services.AddHttpClient(ProviderClientName, (sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<PaymentsOptions>>().Value;
            var baseUrl = options.Provider == PaymentProviderKind.Acquirer
                ? options.Acquirer.Url
                : sp.GetRequiredService<IOptions<PaymentProviderOptions>>().Value.PaymentProviderUrl;
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

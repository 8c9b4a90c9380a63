using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Infrastructure.Sqlite;
using Microsoft.Extensions.Options;
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
    /// Registers <see cref="IPaymentsApi"/> over the payment provider's HTTP API, the reconciliation table
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
        return services.AddHttpClient<PaymentProviderClient>(ProviderClientName, (sp, http) =>
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

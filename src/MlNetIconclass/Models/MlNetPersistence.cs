using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetIconclass.Thesaurus;

namespace MlNetIconclass.Models;

/// <summary>
/// Saving and loading the <see cref="IconclassTransformer"/> inside an ML.NET model (<c>mlContext.Model.Save</c> and
/// <c>Load</c>). ML.NET keeps what a component needs for this internal to its own assemblies: the members of
/// <see cref="ModelSaveContext"/> and <c>ModelLoadContext</c>, <c>VersionInfo</c>, and the <c>LoadableClass</c>
/// registration (dotnet/machinelearning#4911: a third-party transformer cannot be saved). This adapter reaches those
/// few members by reflection, each constructor found by its parameter types, checked against
/// ML.NET 6.0.0 by the tests (the package allows ML.NET 6.x alone); should a later ML.NET move them, saving
/// and loading fail with a <see cref="NotSupportedException"/> that says so, and nothing else is affected. The
/// transformer's entry holds the number of codes per row and the whole model file as one binary stream.
/// </summary>
internal static class MlNetPersistence
{
    private const string LoaderSignature = "IconclassTransformer";
    private const string ModelSignature = "ICONCLAS";
    private const uint Version = 0x00010001;
    private const string ModelStream = "IconclassModel.iconclass";

    private static readonly Assembly MlCore = typeof(ComponentCatalog).Assembly;
    private static readonly ConditionalWeakTable<ComponentCatalog, IconclassThesaurus> Registered = new();
    private static readonly Lazy<IconclassThesaurus> BundledThesaurus = new(() => IconclassThesaurus.LoadBundled());

    public static void Save(ModelSaveContext context, IconclassTransformer transformer)
    {
        Invoke(context, "SetVersionInfo", VersionInfo());
        var writer = (BinaryWriter)Field(context, "Writer");
        writer.Write(transformer.Top);
        using var model = new MemoryStream();
        ModelFile.Save(transformer.Model, model);
        Action<BinaryWriter> writeModel = stream => stream.Write(model.GetBuffer(), 0, (int)model.Length);
        Invoke(context, "SaveBinaryStream", ModelStream, writeModel);
    }

    public static IconclassTransformer Load(IHostEnvironment environment, object context)
    {
        Invoke(context, "CheckAtModel", VersionInfo());
        var reader = (BinaryReader)Field(context, "Reader");
        int top = reader.ReadInt32();
        byte[]? bytes = null;
        Action<BinaryReader> readModel = stream =>
        {
            using var buffer = new MemoryStream();
            stream.BaseStream.CopyTo(buffer);
            bytes = buffer.ToArray();
        };
        if (!(bool)Invoke(context, "TryLoadBinaryStream", ModelStream, readModel)! || bytes is null)
            throw new InvalidDataException($"The ML.NET model has no {ModelStream} for its Iconclass transformer.");
        var thesaurus = ThesaurusFor(environment.ComponentCatalog);
        var model = ModelFile.Load(
            new MemoryStream(bytes),
            "the Iconclass model inside the ML.NET model",
            thesaurus,
            new ModelLoadOptions()
        );
        return new IconclassTransformer(model, top);
    }

    /// <summary>The thesaurus the catalog's loaded models rank against: the one registered, else the bundled.</summary>
    public static IconclassThesaurus ThesaurusFor(ComponentCatalog catalog) =>
        Registered.TryGetValue(catalog, out var registered) ? registered : BundledThesaurus.Value;

    /// <summary>
    /// Adds the transformer's loader to the catalog (once per catalog), with the thesaurus the loaded models rank
    /// against. A registration without one (as <c>mlContext.Iconclass()</c> makes) keeps a thesaurus registered
    /// before it, and otherwise means the bundled one.
    /// </summary>
    public static void Register(ComponentCatalog catalog, IconclassThesaurus? thesaurus)
    {
        lock (Registered)
        {
            bool known = Registered.TryGetValue(catalog, out _);
            if (thesaurus is not null || !known)
                Registered.AddOrUpdate(catalog, thesaurus ?? BundledThesaurus.Value);
            if (known)
                return;
        }
        var signature = Type("Microsoft.ML.SignatureLoadModel");
        var attribute =
            Type("Microsoft.ML.LoadableClassAttribute")
                .GetConstructor([typeof(Type), typeof(Type), typeof(Type), typeof(string), typeof(string[])])
                ?.Invoke([
                    typeof(IconclassTransformer),
                    null,
                    signature,
                    "Iconclass transformer",
                    new[] { LoaderSignature },
                ])
            ?? throw Unsupported("LoadableClassAttribute");
        var create = typeof(IconclassTransformer).GetMethod(
            nameof(IconclassTransformer.Load),
            BindingFlags.NonPublic | BindingFlags.Static
        )!;
        var info =
            typeof(ComponentCatalog)
                .GetNestedType("LoadableClassInfo", BindingFlags.NonPublic)
                ?.GetConstructor(
                    BindingFlags.NonPublic | BindingFlags.Instance,
                    [
                        Type("Microsoft.ML.LoadableClassAttributeBase"),
                        typeof(MethodInfo),
                        typeof(ConstructorInfo),
                        typeof(MethodInfo),
                        typeof(bool),
                    ]
                )
                ?.Invoke([attribute, null, null, create, true])
            ?? throw Unsupported("LoadableClassInfo");
        Invoke(catalog, "AddClass", info, new[] { LoaderSignature }, false);
    }

    private static object VersionInfo() =>
        Type("Microsoft.ML.VersionInfo")
            .GetConstructor(
                BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance,
                [
                    typeof(string),
                    typeof(uint),
                    typeof(uint),
                    typeof(uint),
                    typeof(string),
                    typeof(string),
                    typeof(string),
                ]
            )
            ?.Invoke([
                ModelSignature,
                Version,
                Version,
                Version,
                typeof(MlNetPersistence).Assembly.FullName,
                LoaderSignature,
                null,
            ])
        ?? throw Unsupported("VersionInfo");

    private static Type Type(string name) => MlCore.GetType(name) ?? throw Unsupported(name);

    private static object Field(object target, string name) =>
        target
            .GetType()
            .GetField(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            ?.GetValue(target)
        ?? throw Unsupported($"{target.GetType().Name}.{name}");

    private static object? Invoke(object target, string name, params object?[] arguments)
    {
        var method =
            target
                .GetType()
                .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                .SingleOrDefault(m =>
                    m.Name == name
                    && m.GetParameters().Length == arguments.Length
                    && m.GetParameters()
                        .Zip(arguments)
                        .All(p => p.Second is null || p.First.ParameterType.IsInstanceOfType(p.Second))
                )
            ?? throw Unsupported($"{target.GetType().Name}.{name}");
        try
        {
            return method.Invoke(target, arguments);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(exception.InnerException).Throw();
            throw;
        }
    }

    private static NotSupportedException Unsupported(string member) =>
        new(
            $"This ML.NET version has no {member} as ML.NET 6.0.0 has: an ML.NET model holding an Iconclass "
                + $"transformer cannot be "
                + "saved or loaded with it. Save the transformer with IconclassTransformer.Save(path) instead."
        );
}

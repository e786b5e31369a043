using System.Collections;
using System.CommandLine;
using System.ComponentModel;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MlNetIconclass.Training;

namespace MlNetIconclass.Cli.Commands;

/// <summary>
/// The <c>train</c> command's flags for the settings of <see cref="DualEncoderOptions"/>, made from the JSON contract a
/// training config is read with: the flag is the field in kebab case (<c>thesaurusEpochs</c>:
/// <c>--thesaurus-epochs</c>), its help the property's description and default, and its value is read as the config
/// reads the field (lists comma-separated), so flags, config and options cannot drift apart.
/// </summary>
internal sealed class SettingFlags
{
    private readonly (Option<string> Flag, JsonPropertyInfo Setting)[] _flags;

    public SettingFlags()
    {
        var defaults = new DualEncoderOptions();
        _flags = TrainingConfig
            .Json.GetTypeInfo(typeof(DualEncoderOptions))
            .Properties.Where(setting => setting.Set is not null)
            .Select(setting =>
                (
                    new Option<string>(FlagOf(setting.Name))
                    {
                        Description = Describe(setting, defaults),
                        HelpName = HelpName(setting.PropertyType),
                        Arity = IsBoolean(setting.PropertyType) ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
                    },
                    setting
                )
            )
            .ToArray();
    }

    public IEnumerable<Option> All => _flags.Select(flag => flag.Flag);

    /// <summary><c>thesaurusEpochs</c> as a flag: <c>--thesaurus-epochs</c>.</summary>
    public static string FlagOf(string field)
    {
        var flag = new StringBuilder("--");
        foreach (char c in field)
        {
            if (char.IsUpper(c))
                flag.Append('-').Append(char.ToLowerInvariant(c));
            else
                flag.Append(c);
        }
        return flag.ToString();
    }

    /// <summary>
    /// A problem of <see cref="DualEncoderOptions.Problems"/> (<c>field: what</c>) with its field named as a flag.
    /// </summary>
    public static string AsFlagProblem(string problem)
    {
        int colon = problem.IndexOf(':');
        if (colon <= 0)
            return problem;
        string field = problem[..colon];
        int bracket = field.IndexOf('[');
        return FlagOf(bracket < 0 ? field : field[..bracket])
            + (bracket < 0 ? "" : field[bracket..])
            + problem[colon..];
    }

    /// <summary>
    /// Sets each setting whose flag the command line gives; a value the setting cannot take is a usage error.
    /// </summary>
    public void Apply(ParseResult result, DualEncoderOptions options)
    {
        foreach (var (flag, setting) in _flags)
        {
            if (result.GetResult(flag) is not { Implicit: false })
                continue;
            string text = result.GetValue(flag) ?? "true";
            try
            {
                setting.Set!(
                    options,
                    JsonSerializer.Deserialize(
                        AsJson(text, setting.PropertyType),
                        setting.PropertyType,
                        TrainingConfig.Json
                    )
                );
            }
            catch (JsonException)
            {
                throw new UsageException($"{flag.Name}: '{text}' is not {HelpName(setting.PropertyType)}.");
            }
        }
    }

    /// <summary>The command-line text as the JSON a config would hold: names quoted, lists split on commas.</summary>
    private static string AsJson(string text, Type type)
    {
        if (ElementType(type) is { } element)
            return "["
                + string.Join(
                    ",",
                    text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                        .Select(item => AsJson(item, element))
                )
                + "]";
        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        return scalar == typeof(string) || scalar.IsEnum ? JsonSerializer.Serialize(text) : text;
    }

    private static Type? ElementType(Type type) =>
        type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType
            ? type.GetGenericArguments()[0]
            : null;

    private static bool IsBoolean(Type type) => (Nullable.GetUnderlyingType(type) ?? type) == typeof(bool);

    private static string HelpName(Type type)
    {
        if (ElementType(type) is { } element)
            return HelpName(element) + ",...";
        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        if (scalar.IsEnum)
            return string.Join("|", Enum.GetNames(scalar).Select(name => JsonNamingPolicy.CamelCase.ConvertName(name)));
        return scalar == typeof(int) ? "whole number"
            : scalar == typeof(double) ? "number"
            : scalar == typeof(bool) ? "true|false"
            : "text";
    }

    /// <summary>
    /// The setting's description, and its default as a flag would give it where the description does not say.
    /// </summary>
    private static string Describe(JsonPropertyInfo setting, DualEncoderOptions defaults)
    {
        string description =
            (setting.AttributeProvider as MemberInfo)?.GetCustomAttribute<DescriptionAttribute>()?.Description
            ?? setting.Name;
        if (description.Contains("default", StringComparison.Ordinal) || setting.Get!(defaults) is not { } value)
            return description;
        var json = JsonSerializer.SerializeToNode(value, setting.PropertyType, TrainingConfig.Json);
        string shown = json is System.Text.Json.Nodes.JsonArray list
            ? string.Join(",", list.Select(item => item?.ToString()))
            : json!.ToString();
        return $"{description} (default: {shown})";
    }
}

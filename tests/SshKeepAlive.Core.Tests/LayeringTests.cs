using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using SshKeepAlive.Core.OpenSsh;
using Xunit;

namespace SshKeepAlive.Core.Tests
{
    /// <summary>
    /// Core's folders depend one way (README, Architecture): a namespace uses only namespaces of lower layers.
    /// Read from the compiled assembly (signatures, locals and every member an IL instruction names), so a
    /// fully qualified name or a lambda counts as much as a using directive.
    /// </summary>
    public class LayeringTests
    {
        private const string CorePrefix = "SshKeepAlive.Core.";

        /// <summary>Bottom first; a namespace may use those of lower layers, never its own layer's others or higher ones.</summary>
        private static readonly string[][] Layers =
        {
            new[] { "Errors" },
            new[] { "OpenSsh", "Platform" },
            new[] { "ConfigDocuments", "Files", "Kernel", "Shell" },
            new[] { "ClientConfig", "ServerConfig" },
            new[] { "Ssh", "Server" },
            new[] { "Editing", "Sessions" },
            new[] { "Terminal", "Timeouts" },
            new[] { "Diagnostics" },
            new[] { "Fleet" },
        };

        private static readonly Assembly Core = typeof(SshTarget).Assembly;

        private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (OpCode)f.GetValue(null)!)
            .ToDictionary(o => o.Value);

        [Fact]
        public void CoreNamespaces_UseOnlyLowerLayers()
        {
            Dictionary<string, int> layerOf = Layers.SelectMany((names, layer) => names.Select(n => (n, layer))).ToDictionary(p => p.n, p => p.layer);
            var violations = new SortedSet<string>(StringComparer.Ordinal);
            foreach (Type type in CoreTypes())
            {
                string from = FolderOf(type)!;
                foreach (Type used in ReferencedTypes(type).SelectMany(Flatten))
                {
                    string? to = FolderOf(used);
                    if (to != null && to != from && layerOf.ContainsKey(from) && layerOf.ContainsKey(to) && layerOf[to] >= layerOf[from])
                    {
                        violations.Add($"{from} -> {to} ({type.FullName} uses {used.FullName})");
                    }
                }
            }

            Assert.True(violations.Count == 0, "Core namespaces that reference their own or a higher layer:\n" + string.Join("\n", violations));
        }

        [Fact]
        public void CoreNamespaces_AreEachInOneLayer()
        {
            string[] folders = CoreTypes().Select(t => FolderOf(t)!).Distinct().OrderBy(f => f, StringComparer.Ordinal).ToArray();
            string[] layered = Layers.SelectMany(l => l).OrderBy(f => f, StringComparer.Ordinal).ToArray();

            Assert.Equal(layered, folders);
        }

        private static IEnumerable<Type> CoreTypes() =>
            Core.GetTypes().Where(t => t.Namespace != null && t.Namespace.StartsWith(CorePrefix, StringComparison.Ordinal));

        /// <summary>The Core folder a type belongs to ("ClientConfig"); null outside Core.</summary>
        private static string? FolderOf(Type type) =>
            type.Assembly == Core && type.Namespace != null && type.Namespace.StartsWith(CorePrefix, StringComparison.Ordinal)
                ? type.Namespace.Substring(CorePrefix.Length).Split('.')[0]
                : null;

        private static IEnumerable<Type> ReferencedTypes(Type type)
        {
            const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            if (type.BaseType != null)
            {
                yield return type.BaseType;
            }

            foreach (Type implemented in type.GetInterfaces())
            {
                yield return implemented;
            }

            foreach (FieldInfo field in type.GetFields(Declared))
            {
                yield return field.FieldType;
            }

            foreach (PropertyInfo property in type.GetProperties(Declared))
            {
                yield return property.PropertyType;
            }

            foreach (MethodBase method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
            {
                if (method is MethodInfo withResult)
                {
                    yield return withResult.ReturnType;
                }

                foreach (ParameterInfo parameter in method.GetParameters())
                {
                    yield return parameter.ParameterType;
                }

                foreach (Type used in TypesUsedByBody(method))
                {
                    yield return used;
                }
            }
        }

        /// <summary>The types of a method body's locals, and those its instructions name or call into.</summary>
        private static IEnumerable<Type> TypesUsedByBody(MethodBase method)
        {
            MethodBody? body = method.GetMethodBody();
            if (body == null)
            {
                yield break;
            }

            foreach (LocalVariableInfo local in body.LocalVariables)
            {
                yield return local.LocalType;
            }

            foreach (MemberInfo member in MembersNamedByIl(method, body.GetILAsByteArray()!))
            {
                if (member is Type named)
                {
                    yield return named;
                    continue;
                }

                if (member.DeclaringType != null)
                {
                    yield return member.DeclaringType;
                }

                if (member is MethodInfo { IsGenericMethod: true } generic)
                {
                    foreach (Type argument in generic.GetGenericArguments())
                    {
                        yield return argument;
                    }
                }
            }
        }

        /// <summary>The types, methods and fields the method's instructions name (call, newobj, ldfld, castclass, ldtoken, ...).</summary>
        private static IEnumerable<MemberInfo> MembersNamedByIl(MethodBase method, byte[] il)
        {
            Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
            Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
            int at = 0;
            while (at < il.Length)
            {
                short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
                at += il[at] == 0xFE ? 2 : 1;
                OpCode opCode = OpCodesByValue[value];
                switch (opCode.OperandType)
                {
                    case OperandType.InlineField:
                    case OperandType.InlineMethod:
                    case OperandType.InlineType:
                    case OperandType.InlineTok:
                        yield return method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments)!;
                        at += 4;
                        break;
                    case OperandType.InlineSwitch:
                        at += 4 + (4 * BitConverter.ToInt32(il, at));
                        break;
                    default:
                        at += OperandSize(opCode.OperandType);
                        break;
                }
            }
        }

        private static int OperandSize(OperandType operand) => operand switch
        {
            OperandType.InlineNone => 0,
            OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
            OperandType.InlineVar => 2,
            OperandType.InlineI8 or OperandType.InlineR => 8,
            _ => 4,
        };

        /// <summary>A type and everything it is built from: element types of arrays and refs, generic arguments.</summary>
        private static IEnumerable<Type> Flatten(Type type)
        {
            if (type.IsGenericParameter)
            {
                yield break;
            }

            if (type.HasElementType)
            {
                foreach (Type element in Flatten(type.GetElementType()!))
                {
                    yield return element;
                }

                yield break;
            }

            yield return type.IsGenericType ? type.GetGenericTypeDefinition() : type;
            foreach (Type argument in type.IsGenericType ? type.GetGenericArguments() : Type.EmptyTypes)
            {
                foreach (Type inner in Flatten(argument))
                {
                    yield return inner;
                }
            }
        }
    }
}

//! `string_enum!`: a Rust enum whose values travel as fixed strings (Square's enums, our error
//! codes, environments, locales), with its TypeScript string-literal union.
//!
//! tsify derives the package's interfaces from the serde structs, but it drops the doc comments
//! of enum variants; this macro keeps them, so that every member of a union in `index.d.ts`
//! carries its JSDoc. One invocation is the single source of the Rust enum, its wire strings,
//! its serde impls and its TypeScript declaration.

/// Declares a string enum: the Rust enum with `as_str`, `parse` and `ALL`, serde impls that read
/// and write the wire strings (an unknown string is serde's `unknown variant` error), and a
/// `typescript_custom_section` declaring `export type <ts name> = "A" | "B" …` with the doc
/// comments as JSDoc.
macro_rules! string_enum {
    (
        $(#[doc = $doc:literal])*
        #[ts($ts:literal)]
        $vis:vis enum $name:ident {
            $(
                $(#[doc = $vdoc:literal])*
                $variant:ident = $value:literal,
            )+
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[doc = $vdoc])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every wire string, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($value),+];

            /// The wire string.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value,)+
                }
            }

            /// The value of a wire string, if it is one.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($value => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl ::serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: ::serde::de::Error>(self, s: &str) -> Result<$name, E> {
                        $name::parse(s).ok_or_else(|| E::unknown_variant(s, $name::NAMES))
                    }
                }
                d.deserialize_str(V)
            }
        }

        const _: () = {
            #[::wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
            const TS: &'static str = concat!(
                "/**\n", $(" *", $doc, "\n",)* " */\nexport type ", $ts, " =",
                $( "\n  /**", $($vdoc,)* " */\n  | \"", $value, "\"", )+
                ";\n"
            );
        };
    };
}

pub(crate) use string_enum;

/// Declares a request that comes in several exclusive shapes: the Rust enum (serialized as the
/// variant's own body) and the TypeScript union of the variants' interfaces, made exclusive so
/// that an object literal mixing two shapes (`client_secret` with `code_verifier`) is refused by
/// the compiler as it is by the client.
macro_rules! wire_union {
    (
        $(#[doc = $doc:literal])*
        #[ts($ts:literal)]
        $vis:vis enum $name:ident {
            $(
                $(#[doc = $vdoc:literal])*
                $variant:ident($inner:ident),
            )+
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        $vis enum $name {
            $( $(#[doc = $vdoc])* $variant($inner), )+
        }

        $(
            impl From<$inner> for $name {
                fn from(v: $inner) -> Self {
                    $name::$variant(v)
                }
            }
        )+

        const _: () = {
            #[::wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
            const TS: &'static str = concat!(
                "/**\n", $(" *", $doc, "\n",)* " */\nexport type ", $ts, " = ExclusiveUnion<",
                $(stringify!($inner), " | ",)+ "never>;\n"
            );
        };
    };
}

pub(crate) use wire_union;

#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const EXCLUSIVE_UNION: &'static str = r#"/** Every key of every member of a union. */
type KeysOfUnion<T> = T extends unknown ? keyof T : never;
/**
 * One member of the union `T`, with the keys of the other members absent: an object literal
 * that mixes two members is refused.
 */
type ExclusiveUnion<T, K extends PropertyKey = KeysOfUnion<T>> = T extends unknown
  ? T & { [P in Exclude<K, keyof T>]?: never }
  : never;
"#;

/**
 * Browser families of the User-Agent catalog, each a share of human traffic and a builder that
 * emits every combination of its dimensions (versions, OS, models) with their popularity ranks.
 */
import * as D from "./device_models.ts";
import type { AgentKind } from "./user_agents.ts";

/** Receives one UA with its kind and the popularity rank of each dimension that built it. */
export type Emit = (value: string, kind: AgentKind, ...ranks: number[]) => void;

const SAFARI_WEBKIT = "AppleWebKit/605.1.15 (KHTML, like Gecko)";
const CHROME_WEBKIT = "AppleWebKit/537.36 (KHTML, like Gecko)";
const RECENT_CHROME = D.CHROME_BUILDS.slice(0, 14);

function each<T>(items: readonly T[], body: (item: T, rank: number) => void): void {
  items.forEach((item, rank) => body(item, rank));
}

function androidModels(body: (m: D.AndroidModel, version: string, rank: number) => void): void {
  each(D.ANDROID_MODELS, (m, rank) => m.versions.forEach((v, i) => body(m, v, rank + i)));
}

const iphone = (ios: string) => `Mozilla/5.0 (iPhone; CPU iPhone OS ${ios} like Mac OS X)`;
const chromeMajor = (build: string) => build.split(".")[0] ?? "";

/** Family builders with their share of human traffic in percent. */
export const FAMILIES: readonly (readonly [number, (emit: Emit) => void])[] = [
  [
    20,
    (emit) =>
      each(D.IOS, ([ios, safari], r) =>
        emit(
          `${iphone(ios)} ${SAFARI_WEBKIT} Version/${safari} Mobile/15E148 Safari/604.1`,
          "mobile",
          r,
        )),
  ],
  [3, (emit) =>
    each(D.IOS, ([ios, safari], r) =>
      emit(
        `Mozilla/5.0 (iPad; CPU OS ${ios} like Mac OS X) ${SAFARI_WEBKIT} Version/${safari} Mobile/15E148 Safari/604.1`,
        "tablet",
        r,
      ))],
  [18, (emit) =>
    androidModels((m, v, mr) =>
      each(RECENT_CHROME, (b, br) =>
        emit(
          `Mozilla/5.0 (Linux; Android ${v}; ${m.model}) ${CHROME_WEBKIT} Chrome/${b} ${
            m.tablet ? "" : "Mobile "
          }Safari/537.36`,
          m.tablet ? "tablet" : "mobile",
          mr,
          br,
        ))
    )],
  [
    14,
    (emit) =>
      each(D.WINDOWS, (w, wr) =>
        each(D.CHROME_BUILDS, (b, br) =>
          emit(
            `Mozilla/5.0 (${w}) ${CHROME_WEBKIT} Chrome/${b} Safari/537.36`,
            "desktop",
            wr,
            br,
          ))),
  ],
  [6, (emit) =>
    androidModels((m, v, mr) => {
      if (!m.samsung) return;
      each(D.SAMSUNG_BROWSER, ([s, b], sr) =>
        emit(
          `Mozilla/5.0 (Linux; Android ${v}; ${m.model}) ${CHROME_WEBKIT} SamsungBrowser/${s} Chrome/${b} ${
            m.tablet ? "" : "Mobile "
          }Safari/537.36`,
          m.tablet ? "tablet" : "mobile",
          mr,
          sr,
        ));
    })],
  [5, (emit) =>
    each(D.MACOS, (os, r) =>
      emit(
        `Mozilla/5.0 (Macintosh; Intel Mac OS X ${os}) ${SAFARI_WEBKIT} Version/${
          D.MAC_SAFARI[os] ?? "13.1"
        } Safari/605.1.15`,
        "desktop",
        r,
      ))],
  [
    5,
    (emit) =>
      each(
        D.IOS.slice(0, 10),
        ([ios], ir) =>
          each(D.IPHONES, (model, mr) =>
            each(D.LOCALES, (locale, lr) =>
              emit(
                `${
                  iphone(ios)
                } ${SAFARI_WEBKIT} Mobile/15E148 [FBAN/FBIOS;FBDV/${model};FBMD/iPhone;FBSN/iOS;FBSV/${
                  ios.replaceAll("_", ".")
                };FBSS/${model.startsWith("iPhone8") ? 2 : 3};FBID/phone;FBLC/${locale};FBOP/5]`,
                "mobile",
                ir,
                mr,
                lr,
              ))),
      ),
  ],
  [
    4,
    (emit) =>
      androidModels((m, v, mr) =>
        each(D.FACEBOOK_APP, (fb, fr) =>
          each(RECENT_CHROME.slice(0, 3), (b, br) =>
            emit(
              `Mozilla/5.0 (Linux; Android ${v}; ${m.model} Build/${
                D.ANDROID_BUILD[v] ?? "QP1A.190711.020"
              }; wv) ${CHROME_WEBKIT} Version/4.0 Chrome/${b} Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/${fb};]`,
              m.tablet ? "tablet" : "mobile",
              mr,
              fr,
              br,
            )))
      ),
  ],
  [
    2,
    (emit) =>
      each(
        D.INSTAGRAM,
        ([app, build], ar) =>
          each(D.IOS.slice(0, 6), ([ios], ir) =>
            each(D.IPHONES.slice(0, 6), (model, mr) =>
              each(D.LOCALES.slice(0, 5), (locale, lr) =>
                emit(
                  `${
                    iphone(ios)
                  } ${SAFARI_WEBKIT} Mobile/15E148 Instagram ${app} (${model}; iOS ${ios}; ${locale}; ${
                    locale.replace("_", "-")
                  }; scale=2.00; 828x1792; ${build})`,
                  "mobile",
                  ar,
                  ir,
                  mr,
                  lr,
                )))),
      ),
  ],
  [3, (emit) =>
    each(D.IOS.slice(0, 10), ([ios], ir) =>
      each(D.GOOGLE_APP_IOS, (gsa, gr) =>
        emit(
          `${iphone(ios)} ${SAFARI_WEBKIT} GSA/${gsa} Mobile/15E148 Safari/604.1`,
          "mobile",
          ir,
          gr,
        )))],
  [1.5, (emit) =>
    androidModels((m, v, mr) =>
      each(D.GOOGLE_APP_ANDROID, (gsa, gr) =>
        emit(
          `Mozilla/5.0 (Linux; Android ${v}; ${m.model} Build/${
            D.ANDROID_BUILD[v] ?? "QP1A.190711.020"
          }; wv) ${CHROME_WEBKIT} Version/4.0 Chrome/${
            RECENT_CHROME[gr] ?? "83.0.4103.106"
          } Mobile Safari/537.36 GSA/${gsa}.arm64`,
          m.tablet ? "tablet" : "mobile",
          mr,
          gr,
        ))
    )],
  [
    4,
    (emit) =>
      each(
        D.FIREFOX_PLATFORMS,
        (p, pr) =>
          each(D.FIREFOX, (v, vr) =>
            emit(`Mozilla/5.0 (${p}; rv:${v}) Gecko/20100101 Firefox/${v}`, "desktop", pr, vr)),
      ),
  ],
  [3, (emit) =>
    each(D.WINDOWS.slice(0, 4), (w, wr) =>
      each(D.EDGE_BUILDS, (e, er) => {
        const chrome = D.CHROME_BUILDS.find((b) => chromeMajor(b) === chromeMajor(e)) ?? "83.0.0.0";
        emit(
          `Mozilla/5.0 (${w}) ${CHROME_WEBKIT} Chrome/${chrome} Safari/537.36 Edg/${e}`,
          "desktop",
          wr,
          er,
        );
      }))],
  [1, (emit) =>
    each(["18.18363", "18.18362", "17.17134", "16.16299"], (e, er) =>
      emit(
        `Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${CHROME_WEBKIT} Chrome/70.0.3538.102 Safari/537.36 Edge/${e}`,
        "desktop",
        er,
      ))],
  [3, (emit) =>
    each(D.MACOS, (os, r) =>
      each(D.CHROME_BUILDS, (b, br) =>
        emit(
          `Mozilla/5.0 (Macintosh; Intel Mac OS X ${os}) ${CHROME_WEBKIT} Chrome/${b} Safari/537.36`,
          "desktop",
          r,
          br,
        )))],
  [1.5, (emit) =>
    each(D.IOS.slice(0, 12), ([ios], ir) =>
      each(RECENT_CHROME, (b, br) =>
        emit(
          `${iphone(ios)} ${SAFARI_WEBKIT} CriOS/${b} Mobile/15E148 Safari/604.1`,
          "mobile",
          ir,
          br,
        )))],
  [
    0.5,
    (emit) =>
      each(
        ["X11; Linux x86_64", "X11; CrOS x86_64 13020.87.0"],
        (p, pr) =>
          each(D.CHROME_BUILDS, (b, br) =>
            emit(
              `Mozilla/5.0 (${p}) ${CHROME_WEBKIT} Chrome/${b} Safari/537.36`,
              "desktop",
              pr,
              br,
            )),
      ),
  ],
  [
    0.5,
    (emit) =>
      each(["10", "9", "8.0.0"], (v, vr) =>
        each(D.FIREFOX.slice(0, 6), (f, fr) =>
          emit(
            `Mozilla/5.0 (Android ${v}; Mobile; rv:${f}) Gecko/${f} Firefox/${f}`,
            "mobile",
            vr,
            fr,
          ))),
  ],
];

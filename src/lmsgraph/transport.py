"""HTTP to servers the user named (SPARQL endpoints, graph stores), trusting none of them.

One request is bounded three ways: ``timeout`` is a deadline for the whole exchange (connecting,
the server's work, and every byte of its answer, however slowly it drips), the answer may not
exceed ``max_bytes``, and a redirect is refused rather than followed (lmsgraph contacts only
the URL it was given). An answer that stops short of the length it announced is an error.
Basic and digest authentication are supported; digest's response is computed by the standard
library's :class:`urllib.request.HTTPDigestAuthHandler`.

The standard library's ``http.client`` is used directly, not ``urllib``'s openers or a
higher-level client, because a whole-answer deadline needs the socket's timeout set before
every read, and ``http.client`` exposes the socket.
"""

from __future__ import annotations

import base64
import http.client
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

from lmsgraph.display import shown
from lmsgraph.errors import EndpointError, LmsgraphError, UsageError

#: The largest answer read by default: 256 MB.
DEFAULT_MAX_BYTES = 256 << 20
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Answer:
    """A server's complete answer."""

    status: int
    reason: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def text_excerpt(self, limit: int = 160) -> str:
        """The start of a text body, tags and runs of space removed, for an error message."""
        import re

        text = self.body[:4096].decode("utf-8", "replace")
        text = re.sub(r"<[^>]*>", " ", text)
        text = " ".join(text.split())
        return shown(text, limit) if text else "an empty body"


class Client:
    """Requests to one URL, with its credentials and limits; failures raise ``error``."""

    def __init__(
        self,
        url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        auth: str = "digest",
        timeout: float = 30.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        error: type[LmsgraphError] = EndpointError,
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"not an http(s) URL: {shown(url)}", value=url)
        if auth not in ("basic", "digest"):
            raise UsageError(f"authentication must be 'basic' or 'digest', not {shown(auth)}", field="auth")
        if not timeout > 0:
            raise UsageError("the timeout must be a positive number of seconds", field="timeout", value=timeout)
        if max_bytes <= 0:
            raise UsageError("the answer size limit must be positive", field="max_bytes", value=max_bytes)
        self.url, self.parts = url, parts
        self.user, self.password, self.auth = user, password, auth
        self.timeout, self.max_bytes, self.error = timeout, max_bytes, error
        self._challenge: str | None = None
        self._digester: urllib.request.HTTPDigestAuthHandler | None = None

    def request(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> Answer:
        """Send one request to ``url`` (this client's URL, or one with another query string) and
        read the whole answer.

        With digest authentication the server's challenge is fetched first by a request without
        a body and then answered with every request: a server that refuses a large body half-way
        with 401 and closes the connection would otherwise break the upload ("broken pipe").
        A stale challenge is fetched again once."""
        deadline = time.monotonic() + self.timeout
        headers = dict(headers)
        digest = self.user is not None and self.auth == "digest"
        if self.user is not None and self.auth == "basic":
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        answer = None
        for _ in range(2):
            if digest:
                if self._challenge is None:
                    probe = self._exchange("GET", url, None, {}, deadline)
                    self._challenge = probe.headers.get("www-authenticate", "") if probe.status == 401 else ""
                authorization = self._digest(method, url, body, self._challenge)
                if authorization is not None:
                    headers["Authorization"] = authorization
            answer = self._exchange(method, url, body, headers, deadline)
            if not (digest and answer.status == 401):
                break
            fresh = answer.headers.get("www-authenticate", "")
            if not fresh or fresh == self._challenge:
                break
            self._challenge, self._digester = fresh, None
        assert answer is not None
        if 300 <= answer.status < 400:
            target = answer.headers.get("location", "another address")
            raise self.error(
                f"{self.url} redirected the request to {shown(target)}; lmsgraph does not follow redirects "
                "(it contacts only the URL it is given): give that URL instead"
            )
        if answer.status == 401:
            raise self.error(
                f"{self.url} refused the credentials (401)"
                if self.user is not None
                else f"{self.url} asks for credentials (401)"
            )
        return answer

    def _digest(self, method: str, url: str, body: bytes | None, challenge: str) -> str | None:
        scheme, _, params = challenge.partition(" ")
        if scheme.lower() != "digest" or self.user is None:
            return None
        if self._digester is None:  # one per challenge: it counts the requests made with its nonce
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, self.url, self.user, self.password or "")
            self._digester = urllib.request.HTTPDigestAuthHandler(passwords)
        fields = urllib.request.parse_keqv_list([p for p in urllib.request.parse_http_list(params) if p])
        value = self._digester.get_authorization(urllib.request.Request(url, data=body, method=method), fields)
        return f"Digest {value}" if value else None

    def _exchange(self, method: str, url: str, body: bytes | None, headers: dict[str, str], deadline: float) -> Answer:
        parts = urllib.parse.urlsplit(url)
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        connection = None
        try:
            connection = connection_class(parts.hostname or "", parts.port, timeout=self._left(deadline))
            connection.request(method, target, body=body, headers={**headers, "Connection": "close"})
            sock = connection.sock
            if sock is not None:
                sock.settimeout(self._left(deadline))
            response = connection.getresponse()
            answer_headers = {k.lower(): v for k, v in response.getheaders()}
            declared = answer_headers.get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
                raise self.error(self._too_big(f"announces an answer of {int(declared):,} bytes"))
            chunks: list[bytes] = []
            size = 0
            while True:
                if sock is not None:
                    sock.settimeout(self._left(deadline))
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_bytes:
                    raise self.error(self._too_big("sent a longer answer"))
                chunks.append(chunk)
            if response.length:  # the body ended before the length the server announced
                raise self.error(f"{self.url} cut its answer off after {size:,} bytes of {int(declared or 0):,}")
            return Answer(response.status, response.reason, answer_headers, b"".join(chunks))
        except LmsgraphError:
            raise
        except TimeoutError as exc:
            raise self.error(
                f"{self.url} did not answer within {self.timeout:g} s (the time allowed for its whole answer)"
            ) from exc
        except http.client.IncompleteRead as exc:
            raise self.error(f"{self.url} cut its answer off (the connection closed mid-answer)") from exc
        except http.client.HTTPException as exc:
            raise self.error(f"{self.url} did not answer in HTTP: {type(exc).__name__} {shown(str(exc))}") from exc
        except OSError as exc:
            raise self.error(f"cannot reach {self.url}: {exc.strerror or exc}") from exc
        finally:
            if connection is not None:
                connection.close()

    def _left(self, deadline: float) -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    def _too_big(self, what: str) -> str:
        return (
            f"{self.url} {what}, more than the {self.max_bytes:,} bytes lmsgraph reads of one answer "
            "(raise the limit with --max-answer-mb, or ask for less: LIMIT, fewer columns)"
        )

"""Error messages as TRTC words them for ``X-TC-Language: zh-CN``.

Tencent Cloud documents each common error code with a Chinese description (the
"公共错误码" table, e.g. cloud.tencent.com/document/product/1388/114322); the
exact runtime Message strings are not documented, so the documented description
stands in for them. A TRTC-specific code with no entry here takes the entry of its
first part (``InvalidParameter.UserIds`` → ``InvalidParameter``) with the English
detail after it, so which parameter was wrong is not lost.
"""

from __future__ import annotations

MESSAGES = {
    "ActionOffline": "接口已下线。",
    "AuthFailure.InvalidAuthorization": "请求头部的 Authorization 不符合腾讯云标准。",
    "AuthFailure.InvalidSecretId": "密钥非法（不是云 API 密钥类型）。",
    "AuthFailure.MFAFailure": "MFA 错误。",
    "AuthFailure.SecretIdNotFound": "密钥不存在。请在控制台检查密钥是否已被删除或者禁用，"
    "如状态正常，请检查密钥是否填写正确，注意前后不得有空格。",
    "AuthFailure.SignatureExpire": "签名过期。Timestamp 和服务器时间相差不得超过五分钟，"
    "请检查本地时间是否和标准时间同步。",
    "AuthFailure.SignatureFailure": "签名错误。签名计算错误，请对照调用方式中的签名方法文档"
    "检查签名计算过程。",
    "AuthFailure.TokenFailure": "token 错误。",
    "AuthFailure.UnauthorizedOperation": "请求未授权。请参考 CAM 文档对鉴权的说明。",
    "FailedOperation": "操作失败。",
    "InternalError": "内部错误。",
    "InvalidAction": "接口不存在。",
    "InvalidParameter": "参数错误（包括参数格式、类型等错误）。",
    "InvalidParameterValue": "参数取值错误。",
    "LimitExceeded": "超过配额限制。",
    "MissingParameter": "缺少参数错误。",
    "NoSuchVersion": "接口版本不存在。",
    "RequestLimitExceeded": "请求的次数超过了频率限制。",
    "RequestSizeLimitExceeded": "请求包超过限制大小。",
    "UnauthorizedOperation": "未授权操作。",
    "UnsupportedOperation": "操作不支持。",
    "UnsupportedProtocol": "HTTP(S) 请求协议错误，只支持 GET 和 POST 请求。",
    "UnsupportedRegion": "接口不支持所传地域。",
}


def localized(code: str, english: str, language: str | None) -> str:
    """The message for ``language`` (zh-CN or anything else: English)."""
    if (language or "").strip() != "zh-CN":
        return english
    if code in MESSAGES:
        return MESSAGES[code]
    head = code.partition(".")[0]
    if head in MESSAGES:
        return f"{MESSAGES[head]}{english}"
    return english
